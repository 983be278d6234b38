package io.pvcresizer.resize.localfile;

import io.pvcresizer.common.events.VolumeExpansionRequested;
import io.pvcresizer.common.events.VolumeMode;
import io.pvcresizer.common.failure.Reason;
import io.pvcresizer.common.failure.ResizeException;
import io.pvcresizer.resize.expansion.ExpansionResult;
import io.pvcresizer.resize.expansion.VolumeExpander;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Grows file-backed local volumes: each volume is a sparse image file {@code <image-dir>/<volumeHandle>} attached to a
 * loop device on its node, so growing it means lengthening the file (the node agent then refreshes the loop device and
 * grows the filesystem).
 *
 * <p>The volume handle comes from a PV, so it is treated as untrusted: it must be a plain file name and resolve inside
 * the image directory, also through symbolic links.
 */
public class LocalFileVolumeExpander implements VolumeExpander {

    /** The backend name to map drivers to. */
    public static final String BACKEND = "local-file";

    /** Image sizes are rounded up to whole MiB, like RBD images. */
    static final long MIB = 1024L * 1024L;

    private static final Pattern HANDLE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,252}");

    private final Path imageDir;

    /** @param imageDir the directory of the image files; it is read when a volume is grown, not at start */
    public LocalFileVolumeExpander(Path imageDir) {
        this.imageDir = imageDir.toAbsolutePath().normalize();
    }

    @Override
    public String backend() {
        return BACKEND;
    }

    @Override
    public ExpansionResult expand(VolumeExpansionRequested request) {
        boolean nodeExpansionRequired = request.volumeMode() != VolumeMode.Block;
        Path image = imagePath(request.volumeHandle());
        long target = roundUpToMib(request.targetBytes());
        try {
            checkRegularFileInsideImageDir(image);
            try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
                long current = file.length();
                if (current >= request.targetBytes()) {
                    return ExpansionResult.alreadyAt(current, nodeExpansionRequired);
                }
                file.setLength(target);
            }
            return ExpansionResult.grown(Files.size(image), nodeExpansionRequired);
        } catch (NoSuchFileException e) {
            throw volumeNotFound(image);
        } catch (IOException e) {
            if (String.valueOf(e.getMessage()).contains("File too large")) {
                // EFBIG: the filesystem holding the images cannot have a file this large; retrying cannot help.
                throw new ResizeException(Reason.FILE_TOO_LARGE, "image " + image + " cannot grow to " + target
                        + " bytes: the filesystem of " + imageDir + " does not allow files that large (" + e.getMessage() + ")");
            }
            throw new ResizeException(Reason.BACKEND_IO_ERROR,
                    "growing image " + image + " to " + target + " bytes failed: " + e, e);
        }
    }

    /** The image file of a handle, refused unless it is a plain file name that stays inside the image directory. */
    private Path imagePath(String volumeHandle) {
        if (volumeHandle == null || !HANDLE.matcher(volumeHandle).matches()) {
            throw invalidHandle(volumeHandle, "it must match " + HANDLE.pattern());
        }
        Path image = imageDir.resolve(volumeHandle).normalize();
        if (!imageDir.equals(image.getParent())) {
            throw invalidHandle(volumeHandle, "it does not name a file directly inside " + imageDir);
        }
        return image;
    }

    private void checkRegularFileInsideImageDir(Path image) throws IOException {
        if (!Files.exists(image, LinkOption.NOFOLLOW_LINKS)) {
            throw volumeNotFound(image);
        }
        Path real = image.toRealPath();
        if (!real.startsWith(imageDir.toRealPath())) {
            throw invalidHandle(image.getFileName().toString(), "its image resolves to " + real + ", outside " + imageDir);
        }
        if (!Files.isRegularFile(real)) {
            throw new ResizeException(Reason.VOLUME_NOT_FOUND, "image " + image + " is not a regular file");
        }
    }

    private static long roundUpToMib(long bytes) {
        if (bytes > Long.MAX_VALUE - MIB) {
            throw new ResizeException(Reason.INVALID_SIZE, "target size " + bytes + " bytes is too large");
        }
        return (bytes + MIB - 1) / MIB * MIB;
    }

    private ResizeException volumeNotFound(Path image) {
        return new ResizeException(Reason.VOLUME_NOT_FOUND, "image " + image + " of the volume does not exist");
    }

    private static ResizeException invalidHandle(String volumeHandle, String why) {
        return new ResizeException(Reason.INVALID_VOLUME_HANDLE,
                "volume handle \"" + volumeHandle + "\" is not a valid local-file image name: " + why);
    }
}
