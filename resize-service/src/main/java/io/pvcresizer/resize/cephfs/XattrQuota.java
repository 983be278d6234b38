package io.pvcresizer.resize.cephfs;

import io.pvcresizer.common.command.Command;
import io.pvcresizer.common.command.CommandResult;
import io.pvcresizer.common.command.CommandRunner;
import io.pvcresizer.common.failure.Reason;
import io.pvcresizer.common.failure.ResizeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The size of a CephFS directory given by the {@code ceph.quota.max_bytes} extended attribute, read and written on an
 * admin mount of the filesystem with {@code getfattr} / {@code setfattr}.
 */
public class XattrQuota implements CephFsQuota {

    static final String ATTRIBUTE = "ceph.quota.max_bytes";

    private final CommandRunner runner;
    private final Path directory;
    private final Duration timeout;

    public XattrQuota(CommandRunner runner, Path adminMount, String rootPath, Duration timeout) {
        this.runner = runner;
        this.timeout = timeout;
        this.directory = confined(adminMount, rootPath);
    }

    /** The directory of {@code rootPath} under the admin mount; refused when it would leave the mount. */
    static Path confined(Path adminMount, String rootPath) {
        if (adminMount == null) {
            throw new ResizeException(Reason.NO_ADMIN_MOUNT,
                    "pvc-resizer.resize.ceph.cephfs.admin-mount is not set; the quota-xattr mode needs the CephFS root mounted there");
        }
        if (rootPath == null || rootPath.isBlank() || rootPath.contains("\0")) {
            throw new ResizeException(Reason.MISSING_VOLUME_ATTRIBUTE, "the PV has no CSI volume attribute \"rootPath\"");
        }
        Path root = adminMount.toAbsolutePath().normalize();
        Path directory = root.resolve(rootPath.replaceFirst("^/+", "")).normalize();
        if (!directory.startsWith(root) || directory.equals(root)) {
            throw new ResizeException(Reason.INVALID_VOLUME_PATH, "rootPath \"" + rootPath + "\" leaves the CephFS admin mount");
        }
        return directory;
    }

    @Override
    public long current() {
        if (!Files.isDirectory(directory)) {
            throw new ResizeException(Reason.VOLUME_NOT_FOUND, "CephFS directory " + directory + " does not exist on the admin mount");
        }
        CommandResult result = runner.run(Command.of(timeout, "getfattr", "-h", "--only-values", "-n", ATTRIBUTE, directory.toString()));
        if (!result.succeeded()) {
            // No quota set: getfattr says "No such attribute".
            if (result.stderr() != null && result.stderr().contains("No such attribute")) {
                return 0L;
            }
            throw new ResizeException(Reason.CEPH_FS_ADMIN_MOUNT_FAILED, "getfattr on " + directory + " failed: "
                    + result.stderr().strip(), null);
        }
        String value = result.stdout().strip();
        try {
            return value.isEmpty() ? 0L : Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new ResizeException(Reason.UNEXPECTED_CEPH_OUTPUT, "ceph.quota.max_bytes of " + directory + " is \"" + value + "\"");
        }
    }

    @Override
    public void raiseTo(long bytes) {
        CommandResult result = runner.run(Command.of(timeout, "setfattr", "-h", "-n", ATTRIBUTE, "-v", Long.toString(bytes), directory.toString()));
        if (!result.succeeded()) {
            throw new ResizeException(Reason.CEPH_FS_ADMIN_MOUNT_FAILED, "setfattr " + ATTRIBUTE + " on " + directory
                    + " failed: " + result.stderr().strip(), null);
        }
    }
}
