package io.pvcresizer.common.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pvcresizer.common.command.Command;
import io.pvcresizer.common.command.CommandResult;
import io.pvcresizer.common.command.ProcessCommandRunner;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

/**
 * A real file-backed volume on this node, doing what the storage and kubelet would: a sparse image file, a loop device
 * on it, a real filesystem, and its mount (at a pod's kubelet path, say); always unmounted and detached by
 * {@link #close()}.
 */
public final class LoopVolume implements AutoCloseable {

    private static final ProcessCommandRunner RUNNER = new ProcessCommandRunner();
    private static final Duration TIMEOUT = Duration.ofMinutes(1);

    private final Path image;
    private final String device;
    private final boolean ownsImage;
    private Path mountPoint;

    private LoopVolume(Path image, String device, boolean ownsImage) {
        this.image = image;
        this.device = device;
        this.ownsImage = ownsImage;
    }

    /** Whether this process may create loop devices and mount: root, with the loop tools present. */
    public static boolean supported() {
        return isRoot() && ProjectFiles.onPath("losetup") && ProjectFiles.onPath("mount")
                && Files.exists(Path.of("/dev/loop-control"));
    }

    /** Skips the calling test unless it runs as root with loop devices and the given tools available. */
    public static void assumeLoopDevices(String... tools) {
        assumeTrue(isRoot(), "needs root for loop devices and mount");
        String[] all = Arrays.copyOf(tools, tools.length + 3);
        System.arraycopy(new String[] {"losetup", "mount", "umount"}, 0, all, tools.length, 3);
        for (String tool : all) {
            assumeTrue(ProjectFiles.onPath(tool), () -> tool + " is not installed");
        }
        assumeTrue(Files.exists(Path.of("/dev/loop-control")), "no loop device support (/dev/loop-control)");
    }

    /**
     * Creates a sparse image of {@code bytes} at {@code image} (its directory too), attaches it to a free loop device
     * and makes {@code fsType} on it; the image is deleted on close.
     */
    public static LoopVolume create(Path image, long bytes, String fsType) {
        try {
            Files.createDirectories(image.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        setLength(image, bytes);
        return attached(image, fsType, true);
    }

    /** As {@link #create(Path, long, String)}, with the image {@code handle} in {@code imageDir} (the local-file driver's layout). */
    public static LoopVolume create(Path imageDir, String handle, long bytes, String fsType) {
        return create(imageDir.resolve(handle), bytes, fsType);
    }

    /**
     * Attaches a loop device to an existing file (an RBD image shown as a file by rbd-fuse, say) and makes
     * {@code fsType} on it; the file is left in place on close.
     */
    public static LoopVolume attach(Path file, String fsType) {
        return attached(file, fsType, false);
    }

    private static LoopVolume attached(Path image, String fsType, boolean ownsImage) {
        String device = run("losetup", "-f", "--show", image.toString()).stdout().strip();
        LoopVolume volume = new LoopVolume(image, device, ownsImage);
        try {
            switch (fsType) {
                case "xfs", "btrfs" -> run("mkfs." + fsType, "-q", "-f", device);
                case "minix" -> run("mkfs.minix", device); // no quiet option
                default -> run("mkfs." + fsType, "-q", "-F", device);
            }
            return volume;
        } catch (RuntimeException e) {
            volume.close();
            throw e;
        }
    }

    /** The kubelet's mount path of a CSI volume for a pod. */
    public static Path podMountPath(Path kubeletRoot, String podUid, String pvName) {
        return kubeletRoot.resolve("pods").resolve(podUid).resolve("volumes").resolve("kubernetes.io~csi")
                .resolve(pvName).resolve("mount");
    }

    /** Mounts the filesystem at {@code path}, creating the directory, as kubelet does when a pod starts. */
    public LoopVolume mountAt(Path path) {
        try {
            Files.createDirectories(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        run("mount", device, path.toString());
        mountPoint = path;
        return this;
    }

    /** Unmounts it again. */
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

    /** {@code df -B1 --output=size} of the mount: the filesystem size the user sees. */
    public long dfSizeBytes() {
        return dfSizeBytes(mountPoint);
    }

    /** {@code df -B1 --output=size} of any mount point. */
    public static long dfSizeBytes(Path mountPoint) {
        String[] lines = run("df", "-B1", "--output=size", mountPoint.toString()).stdout().strip().split("\n");
        return Long.parseLong(lines[lines.length - 1].strip());
    }

    public Path mountPoint() {
        return mountPoint;
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
                if (!RUNNER.run(Command.of(TIMEOUT, "umount", mountPoint.toString())).succeeded()) {
                    RUNNER.run(Command.of(TIMEOUT, "umount", "-l", mountPoint.toString()));
                }
                mountPoint = null;
            }
        } finally {
            RUNNER.run(Command.of(TIMEOUT, "losetup", "-d", device));
            if (ownsImage) {
                try {
                    Files.deleteIfExists(image);
                } catch (IOException ignored) {
                    // a leftover sparse file costs nothing
                }
            }
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
}
