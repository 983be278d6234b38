package io.pvcresizer.fs.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pvcresizer.common.command.Command;
import io.pvcresizer.common.command.CommandResult;
import io.pvcresizer.common.command.ProcessCommandRunner;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

/**
 * A real filesystem on a sparse image file behind a loop device, for tests that need root: made with mkfs, mounted
 * and grown like a volume of the local-file driver, and always unmounted and detached by {@link #close()}.
 */
public final class LoopVolume implements AutoCloseable {

    private static final ProcessCommandRunner RUNNER = new ProcessCommandRunner();
    private static final Duration TIMEOUT = Duration.ofMinutes(1);

    private final Path image;
    private final String device;
    private Path mountPoint;

    private LoopVolume(Path image, String device) {
        this.image = image;
        this.device = device;
    }

    /** Skips the calling test unless it runs as root with loop devices and the given tools available. */
    public static void assumeLoopDevices(String... tools) {
        assumeTrue(isRoot(), "needs root for loop devices and mount");
        for (String tool : concat(tools, "losetup", "mount", "umount")) {
            assumeTrue(onPath(tool), () -> tool + " is not installed");
        }
        assumeTrue(Files.exists(Path.of("/dev/loop-control")), "no loop device support (/dev/loop-control)");
    }

    /** Creates a sparse image of the given size, attaches it to a free loop device and makes the filesystem on it. */
    public static LoopVolume create(Path image, long bytes, String fsType) {
        setLength(image, bytes);
        String device = run("losetup", "-f", "--show", image.toString()).stdout().strip();
        LoopVolume volume = new LoopVolume(image, device);
        try {
            if ("minix".equals(fsType)) {
                run("mkfs.minix", device); // no quiet option
            } else {
                run("mkfs." + fsType, "-q", device);
            }
            return volume;
        } catch (RuntimeException e) {
            volume.close();
            throw e;
        }
    }

    /** Mounts the filesystem at the directory, creating it. */
    public LoopVolume mount(Path at) {
        try {
            Files.createDirectories(at);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        run("mount", device, at.toString());
        mountPoint = at;
        return this;
    }

    /** Unmounts it. */
    public void unmount() {
        if (mountPoint != null) {
            run("umount", mountPoint.toString());
            mountPoint = null;
        }
    }

    /** Grows the image file, as a backend grows a volume; the loop device sees it after {@code losetup -c}. */
    public void growImage(long bytes) {
        setLength(image, bytes);
    }

    public String device() {
        return device;
    }

    public Path image() {
        return image;
    }

    /** Runs a tool (argument array, no shell) and returns its result, failing on a non-zero exit. */
    public static CommandResult run(String... argv) {
        return RUNNER.run(Command.of(TIMEOUT, argv)).orThrow();
    }

    @Override
    public void close() {
        try {
            if (mountPoint != null) {
                CommandResult result = RUNNER.run(Command.of(TIMEOUT, "umount", mountPoint.toString()));
                if (!result.succeeded()) {
                    RUNNER.run(Command.of(TIMEOUT, "umount", "-l", mountPoint.toString()));
                }
                mountPoint = null;
            }
        } finally {
            RUNNER.run(Command.of(TIMEOUT, "losetup", "-d", device));
        }
    }

    private static void setLength(Path image, long bytes) {
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
            file.setLength(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private static boolean onPath(String tool) {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .filter(dir -> !dir.isEmpty())
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
    }

    private static String[] concat(String[] first, String... more) {
        String[] all = Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }
}
