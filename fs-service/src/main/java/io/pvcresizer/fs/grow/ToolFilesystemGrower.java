package io.pvcresizer.fs.grow;

import io.pvcresizer.common.command.CommandResult;
import io.pvcresizer.common.events.VolumeMode;
import io.pvcresizer.common.failure.Reason;
import io.pvcresizer.common.failure.ResizeException;
import io.pvcresizer.fs.command.NodeCommands;
import io.pvcresizer.fs.device.BlockDevices;
import io.pvcresizer.fs.device.LoopDevices;
import io.pvcresizer.fs.mount.LocatedVolume;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;

/**
 * Grows filesystems with the standard Linux tools, choosing the tool from the filesystem type: {@code xfs_growfs -d}
 * for a mounted xfs, {@code btrfs filesystem resize max} for a mounted btrfs, {@code resize2fs} for ext2/3/4 (online when mounted and allowed, after {@code e2fsck -f -p} when
 * not mounted). Loop devices are rescanned first; the device must already hold the target size.
 *
 * <p>Idempotent: a filesystem that already fills its device is reported as grown without change (both tools are
 * no-ops then, and an unmounted ext filesystem is not even checked).
 */
public class ToolFilesystemGrower implements FilesystemGrower {

    private static final Set<String> EXT_FILESYSTEMS = Set.of("ext2", "ext3", "ext4");
    private static final String XFS = "xfs";
    private static final String BTRFS = "btrfs";
    /** Filesystems that grow only while mounted. */
    public static final Set<String> MOUNTED_ONLY = Set.of(XFS, BTRFS);
    /** e2fsck exit codes that leave a filesystem fit to resize: 0 clean, 1 errors corrected. */
    private static final Set<Integer> E2FSCK_FINE = Set.of(0, 1);
    /** What resize2fs prints when the kernel refuses the online resize ioctl (EPERM: no CAP_SYS_RESOURCE). */
    private static final String RESIZE2FS_PERMISSION_DENIED = "Permission denied to resize filesystem";
    private static final String RESIZE2FS_NOTHING_TO_DO = "Nothing to do!";

    private final NodeCommands commands;
    private final LoopDevices loopDevices;
    private final BlockDevices blockDevices;
    private final Capabilities capabilities;
    private final Statfs statfs;

    public ToolFilesystemGrower(NodeCommands commands, LoopDevices loopDevices, BlockDevices blockDevices,
            Capabilities capabilities, Statfs statfs) {
        this.commands = Objects.requireNonNull(commands, "commands");
        this.loopDevices = Objects.requireNonNull(loopDevices, "loopDevices");
        this.blockDevices = Objects.requireNonNull(blockDevices, "blockDevices");
        this.capabilities = Objects.requireNonNull(capabilities, "capabilities");
        this.statfs = Objects.requireNonNull(statfs, "statfs");
    }

    @Override
    public GrowthResult grow(LocatedVolume volume, long targetBytes) {
        if (volume.mode() == VolumeMode.Block) {
            // No filesystem; but a loop device keeps its old size until told to read its backing file again.
            if (volume.device() != null && LoopDevices.isLoopDevice(volume.device())) {
                loopDevices.rescan(volume.device());
                return new GrowthResult(volume, blockDevices.sizeBytes(volume.device()), true);
            }
            return new GrowthResult(volume, targetBytes, false);
        }
        String fsType = volume.fsType();
        boolean ext = EXT_FILESYSTEMS.contains(fsType);
        if (!ext && !MOUNTED_ONLY.contains(fsType)) {
            throw new ResizeException(Reason.UNKNOWN_FILESYSTEM, fsType.isEmpty()
                    ? "the filesystem type of " + volume.device() + " is unknown: neither the mount, the device nor the PV names one"
                    : "fs-service cannot grow a " + fsType + " filesystem (on " + volume.device() + "); it grows xfs, btrfs, ext2, ext3 and ext4");
        }
        if (volume.mounted() && volume.readOnly()) {
            throw new ResizeException(Reason.READ_ONLY_MOUNT,
                    "the " + fsType + " filesystem of " + volume.device() + " is mounted read-only at " + volume.mountPoint()
                            + " and cannot be grown there");
        }
        if (!ext && !volume.mounted()) {
            throw new ResizeException(Reason.VOLUME_NOT_MOUNTED,
                    fsType + " on " + volume.device() + " can only be grown while mounted, and it is not mounted on this node now", null);
        }
        if (LoopDevices.isLoopDevice(volume.device())) {
            loopDevices.rescan(volume.device());
        }
        long deviceBytes = blockDevices.sizeBytes(volume.device());
        if (deviceBytes < targetBytes) {
            throw new ResizeException(Reason.DEVICE_NOT_GROWN, "device " + volume.device() + " holds "
                    + deviceBytes + " bytes, less than the target " + targetBytes + ": the volume has not grown on this node yet", null);
        }
        if (BTRFS.equals(fsType)) {
            return growBtrfs(volume);
        }
        if (!ext) {
            return growXfs(volume);
        }
        return volume.mounted() ? growExtOnline(volume, deviceBytes) : growExtOffline(volume, deviceBytes);
    }

    private GrowthResult growXfs(LocatedVolume volume) {
        CommandResult result = commands.run(Reason.FILESYSTEM_GROW_FAILED, "xfs_growfs", "-d", volume.mountPoint().toString());
        return new GrowthResult(volume, measure(volume.mountPoint()), XfsGrowth.parse(result.stdout()).changed());
    }

    private GrowthResult growBtrfs(LocatedVolume volume) {
        long before = measure(volume.mountPoint());
        commands.run(Reason.FILESYSTEM_GROW_FAILED, "btrfs", "filesystem", "resize", "max", volume.mountPoint().toString());
        long after = measure(volume.mountPoint());
        return new GrowthResult(volume, after, after > before);
    }

    private GrowthResult growExtOnline(LocatedVolume volume, long deviceBytes) {
        if (!capabilities.hasEffective(Capabilities.CAP_SYS_RESOURCE)) {
            if (superblock(volume.device()).fillsDevice(deviceBytes)) {
                return new GrowthResult(volume, measure(volume.mountPoint()), false);
            }
            throw onlineResizeNotPermitted(volume);
        }
        CommandResult result = commands.runAnyExit("resize2fs", volume.device());
        if (!result.succeeded()) {
            if (result.stderr().contains(RESIZE2FS_PERMISSION_DENIED)) {
                throw onlineResizeNotPermitted(volume);
            }
            throw NodeCommands.failed(Reason.FILESYSTEM_GROW_FAILED, result);
        }
        boolean unchanged = result.stderr().contains(RESIZE2FS_NOTHING_TO_DO) || result.stdout().contains(RESIZE2FS_NOTHING_TO_DO);
        return new GrowthResult(volume, measure(volume.mountPoint()), !unchanged);
    }

    private GrowthResult growExtOffline(LocatedVolume volume, long deviceBytes) {
        String device = volume.device();
        Ext4Superblock before = superblock(device);
        if (before.fillsDevice(deviceBytes)) {
            return new GrowthResult(volume, before.sizeBytes(), false);
        }
        CommandResult check = commands.runAnyExit("e2fsck", "-f", "-p", device);
        if (!E2FSCK_FINE.contains(check.exitCode())) {
            throw NodeCommands.failed(Reason.FILESYSTEM_CHECK_FAILED, check);
        }
        commands.run(Reason.FILESYSTEM_GROW_FAILED, "resize2fs", device);
        return new GrowthResult(volume, superblock(device).sizeBytes(), true);
    }

    private Ext4Superblock superblock(String device) {
        CommandResult result = commands.run(Reason.SUPERBLOCK_UNREADABLE, "dumpe2fs", "-h", device);
        try {
            return Ext4Superblock.parse(result.stdout());
        } catch (IllegalArgumentException e) {
            throw new ResizeException(Reason.SUPERBLOCK_UNREADABLE,
                    result.command().redacted() + ": " + e.getMessage());
        }
    }

    private long measure(Path mountPoint) {
        try {
            return statfs.totalBytes(mountPoint);
        } catch (IOException e) {
            throw new ResizeException(Reason.FILESYSTEM_UNREACHABLE,
                    "statfs of " + mountPoint + " failed: " + e.getMessage(), e);
        }
    }

    private static ResizeException onlineResizeNotPermitted(LocatedVolume volume) {
        return new ResizeException(Reason.ONLINE_RESIZE_NOT_PERMITTED, "the " + volume.fsType()
                + " filesystem of " + volume.device() + " is mounted at " + volume.mountPoint()
                + " and growing it online needs the CAP_SYS_RESOURCE capability, which fs-service lacks here"
                + " (run it as a privileged DaemonSet); until then it is grown offline, with e2fsck and resize2fs,"
                + " by a request that finds it unmounted before its next mount");
    }
}
