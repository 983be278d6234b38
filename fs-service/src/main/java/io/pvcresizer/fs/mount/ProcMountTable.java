package io.pvcresizer.fs.mount;

import io.pvcresizer.common.failure.Reason;
import io.pvcresizer.common.failure.ResizeException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/** Reads the mount table from a mountinfo file, by default {@code /proc/self/mountinfo}, afresh on every call. */
public class ProcMountTable implements MountTable {

    private final Path mountinfo;

    public ProcMountTable(Path mountinfo) {
        this.mountinfo = Objects.requireNonNull(mountinfo, "mountinfo");
    }

    @Override
    public List<MountEntry> mounts() {
        try {
            return MountInfoParser.parseAll(Files.readString(mountinfo, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ResizeException(Reason.MOUNT_TABLE_UNREADABLE,
                    "cannot read the mount table " + mountinfo + ": " + e.getMessage(), e);
        }
    }
}
