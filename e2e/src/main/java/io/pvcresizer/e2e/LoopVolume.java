package io.pvcresizer.e2e;

import io.pvcresizer.common.command.Command;
import io.pvcresizer.common.command.CommandRunner;
import io.pvcresizer.common.command.ProcessCommandRunner;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A real file-backed volume on this node, doing what the storage and kubelet would: a sparse image file, a loop device
 * on it, a real filesystem, and the mount at the kubelet path of a pod.
 */
public final class LoopVolume implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofMinutes(1);
    private static final CommandRunner COMMANDS = new ProcessCommandRunner();

    private final Path image;
    private final String device;
    private final boolean ownsImage;
    private Path mountPoint;

    private LoopVolume(Path image, String device, boolean ownsImage) {
        this.image = image;
        this.device = device;
        this.ownsImage = ownsImage;
    }

    /**
     * Attaches a loop device to an existing file (an RBD image shown as a file by rbd-fuse, say) and makes
     * {@code fsType} on it; the file is left in place on close.
     */
    public static LoopVolume attach(Path file, String fsType) {
        String device = run("losetup", "-f", "--show", file.toString()).strip();
        LoopVolume volume = new LoopVolume(file, device, false);
        volume.makeFilesystem(fsType);
        return volume;
    }

    /** Creates a sparse image of {@code bytes} in {@code imageDir}, attaches a loop device and makes {@code fsType} on it. */
    public static LoopVolume create(Path imageDir, String handle, long bytes, String fsType) {
        Path image = imageDir.resolve(handle);
        try {
            Files.createDirectories(imageDir);
            try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
                file.setLength(bytes);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String device = run("losetup", "-f", "--show", image.toString()).strip();
        LoopVolume volume = new LoopVolume(image, device, true);
        volume.makeFilesystem(fsType);
        return volume;
    }

    private void makeFilesystem(String fsType) {
        if ("xfs".equals(fsType)) {
            run("mkfs.xfs", "-q", "-f", device);
        } else {
            run("mkfs." + fsType, "-q", "-F", device);
        }
    }

    /** The kubelet's mount path of a CSI volume for a pod. */
    public static Path podMountPath(Path kubeletRoot, String podUid, String pvName) {
        return kubeletRoot.resolve("pods").resolve(podUid).resolve("volumes").resolve("kubernetes.io~csi").resolve(pvName).resolve("mount");
    }

    /** Mounts the filesystem at {@code path}, as kubelet does when a pod starts. */
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

    /** {@code df -B1 --output=size} of the mount: the filesystem size the user sees. */
    public long dfSizeBytes() {
        return dfSizeBytes(mountPoint);
    }

    /** {@code df -B1 --output=size} of any mount point. */
    public static long dfSizeBytes(Path mountPoint) {
        String out = run("df", "-B1", "--output=size", mountPoint.toString());
        String[] lines = out.strip().split("\n");
        return Long.parseLong(lines[lines.length - 1].strip());
    }

    public Path mountPoint() {
        return mountPoint;
    }

    public String device() {
        return device;
    }

    @Override
    public void close() {
        try {
            unmount();
        } finally {
            COMMANDS.run(Command.of(TIMEOUT, "losetup", "-d", device));
            if (ownsImage) {
                try {
                    Files.deleteIfExists(image);
                } catch (IOException ignored) {
                    // a leftover sparse file costs nothing
                }
            }
        }
    }

    /** Whether this process may create loop devices and mount (root with the tools present). */
    public static boolean supported() {
        try {
            return "0".equals(run("id", "-u").strip()) && COMMANDS.run(Command.of(TIMEOUT, "losetup", "--version")).succeeded();
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static String run(String... argv) {
        return COMMANDS.run(Command.of(TIMEOUT, argv)).orThrow().stdout();
    }
}
