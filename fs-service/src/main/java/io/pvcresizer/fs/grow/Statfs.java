package io.pvcresizer.fs.grow;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Measures a mounted filesystem's total size as {@code statfs(2)} reports it (what {@code df} shows). */
@FunctionalInterface
public interface Statfs {

    /** Total bytes of the filesystem mounted at the path (blocks × fragment size). */
    long totalBytes(Path mountPoint) throws IOException;

    /** The real measurement, through the JDK's {@link java.nio.file.FileStore}, which calls {@code statfs}. */
    static Statfs fileStore() {
        return mountPoint -> Files.getFileStore(mountPoint).getTotalSpace();
    }
}
