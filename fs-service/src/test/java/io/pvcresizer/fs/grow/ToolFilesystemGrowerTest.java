package io.pvcresizer.fs.grow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pvcresizer.common.command.CommandNotFoundException;
import io.pvcresizer.common.command.CommandTimeoutException;
import io.pvcresizer.common.events.FailureKind;
import io.pvcresizer.common.events.VolumeMode;
import io.pvcresizer.common.failure.ResizeException;
import io.pvcresizer.fs.command.NodeCommands;
import io.pvcresizer.fs.device.BlockDevices;
import io.pvcresizer.fs.device.LoopDevices;
import io.pvcresizer.fs.mount.LocatedVolume;
import io.pvcresizer.common.testing.FakeCommandRunner;
import io.pvcresizer.fs.testing.ToolOutput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Chooses and runs the right tool per filesystem type, fed real output of xfs_growfs, resize2fs, e2fsck and dumpe2fs
 * captured on a test machine (a 320 MiB xfs grown to 640 MiB; a 64 MiB ext4 grown to 128 MiB).
 */
class ToolFilesystemGrowerTest {

    private static final long MIB = 1024L * 1024L;
    private static final String LOOP = "/dev/loop0";
    private static final Path MOUNT = Path.of("/var/lib/kubelet/pods/6f1c/volumes/kubernetes.io~csi/pv-a/mount");
    /** statfs total of the 640 MiB xfs after growing, as df -B1 showed it (the internal log is not counted). */
    private static final long XFS_640_STATFS = 603979776L;
    /** statfs total of the 128 MiB ext4, as df -B1 showed it. */
    private static final long EXT4_128_STATFS = 120015872L;
    private static final String STATUS_WITHOUT_CAP_SYS_RESOURCE = "CapEff:\t000001fffeffffff\n";
    private static final String STATUS_WITH_CAP_SYS_RESOURCE = "CapEff:\t000001ffffffffff\n";

    @TempDir
    Path dir;

    private final FakeCommandRunner runner = new FakeCommandRunner();
    private final List<Path> measured = new ArrayList<>();
    private long statfsBytes = XFS_640_STATFS;

    @Test
    void shouldGrowAMountedXfsOnlineWithXfsGrowfsOnItsMountPoint() throws IOException {
        deviceOf(LOOP, 640 * MIB);
        runner.on(List.of("xfs_growfs", "-d", MOUNT.toString()), ToolOutput.read("xfs_growfs-grown.stdout"));

        GrowthResult result = grower(false).grow(mounted("xfs"), 640 * MIB);

        assertThat(runner.programs()).containsExactly("losetup", "blockdev", "xfs_growfs");
        assertThat(runner.calls().get(0)).containsExactly("losetup", "-c", LOOP);
        assertThat(result.changed()).isTrue();
        assertThat(result.online()).isTrue();
        assertThat(result.fsType()).isEqualTo("xfs");
        assertThat(result.filesystemBytes()).isEqualTo(XFS_640_STATFS);
        assertThat(measured).containsExactly(MOUNT);
    }

    @Test
    void shouldRescanTheLoopDeviceOfABlockVolumeSoThePodSeesTheNewSize() throws IOException {
        deviceOf(LOOP, 640 * MIB);

        GrowthResult result = grower(false).grow(new io.pvcresizer.fs.mount.LocatedVolume(
                io.pvcresizer.common.events.VolumeMode.Block, LOOP, "", null, false), 640 * MIB);

        assertThat(runner.calls().get(0)).containsExactly("losetup", "-c", LOOP);
        assertThat(result.filesystemBytes()).isEqualTo(640 * MIB);
        assertThat(result.fsType()).isEqualTo(GrowthResult.BLOCK);
    }

    @Test
    void shouldReportAnAlreadyGrownXfsAsAnUnchangedSuccess() throws IOException {
        deviceOf(LOOP, 640 * MIB);
        runner.on(List.of("xfs_growfs", "-d", MOUNT.toString()), 0, ToolOutput.read("xfs_growfs-unchanged.stdout"),
                ToolOutput.read("xfs_growfs-unchanged.stderr"));

        GrowthResult result = grower(false).grow(mounted("xfs"), 640 * MIB);

        assertThat(result.changed()).isFalse();
        assertThat(result.filesystemBytes()).isEqualTo(XFS_640_STATFS);
    }

    @Test
    void shouldNotRescanADeviceThatIsNotALoopDevice() throws IOException {
        deviceOf("/dev/rbd0", 640 * MIB);
        runner.on(List.of("xfs_growfs", "-d", MOUNT.toString()), ToolOutput.read("xfs_growfs-grown.stdout"));

        grower(false).grow(new LocatedVolume(VolumeMode.Filesystem, "/dev/rbd0", "xfs", MOUNT, false), 640 * MIB);

        assertThat(runner.programs()).containsExactly("blockdev", "xfs_growfs");
    }

    @Test
    void shouldGrowAnUnmountedExt4OfflineWithE2fsckThenResize2fs() throws IOException {
        deviceOf(LOOP, 128 * MIB);
        runner.on(List.of("dumpe2fs", "-h", LOOP), 0, ToolOutput.read("dumpe2fs-h-64MiB.stdout"), ToolOutput.read("dumpe2fs-h.stderr"))
                .on(List.of("dumpe2fs", "-h", LOOP), 0, ToolOutput.read("dumpe2fs-h-128MiB.stdout"), ToolOutput.read("dumpe2fs-h.stderr"))
                .on(List.of("e2fsck", "-f", "-p", LOOP), ToolOutput.read("e2fsck-fp.stdout"))
                .on(List.of("resize2fs", LOOP), 0, ToolOutput.read("resize2fs-grown.stdout"), ToolOutput.read("resize2fs-grown.stderr"));

        GrowthResult result = grower(false).grow(LocatedVolume.unmounted(LOOP, "ext4"), 128 * MIB);

        assertThat(runner.programs()).containsExactly("losetup", "blockdev", "dumpe2fs", "e2fsck", "resize2fs", "dumpe2fs");
        assertThat(result.changed()).isTrue();
        assertThat(result.online()).isFalse();
        assertThat(result.filesystemBytes()).as("block count x block size after growing").isEqualTo(128 * MIB);
        assertThat(measured).as("no statfs of an unmounted filesystem").isEmpty();
    }

    @Test
    void shouldNeitherCheckNorResizeAnUnmountedExt4ThatAlreadyFillsItsDevice() throws IOException {
        deviceOf(LOOP, 128 * MIB);
        runner.on(List.of("dumpe2fs", "-h", LOOP), ToolOutput.read("dumpe2fs-h-128MiB.stdout"));

        GrowthResult result = grower(false).grow(LocatedVolume.unmounted(LOOP, "ext4"), 128 * MIB);

        assertThat(runner.programs()).containsExactly("losetup", "blockdev", "dumpe2fs");
        assertThat(result.changed()).isFalse();
        assertThat(result.filesystemBytes()).isEqualTo(128 * MIB);
    }

    @Test
    void shouldAcceptE2fsckExitCodeOneForErrorsItCorrected() throws IOException {
        deviceOf(LOOP, 128 * MIB);
        runner.on(List.of("dumpe2fs", "-h", LOOP), ToolOutput.read("dumpe2fs-h-64MiB.stdout"))
                .on(List.of("dumpe2fs", "-h", LOOP), ToolOutput.read("dumpe2fs-h-128MiB.stdout"))
                .on(List.of("e2fsck", "-f", "-p", LOOP), 1, ToolOutput.read("e2fsck-fp.stdout"), "")
                .on(List.of("resize2fs", LOOP), ToolOutput.read("resize2fs-grown.stdout"));

        assertThat(grower(false).grow(LocatedVolume.unmounted(LOOP, "ext3"), 128 * MIB).changed()).isTrue();
    }

    @Test
    void shouldFailFinallyWhenE2fsckLeavesErrorsUncorrected() throws IOException {
        deviceOf(LOOP, 128 * MIB);
        runner.on(List.of("dumpe2fs", "-h", LOOP), ToolOutput.read("dumpe2fs-h-64MiB.stdout"))
                .on(List.of("e2fsck", "-f", "-p", LOOP), 4, "", "/dev/loop0: UNEXPECTED INCONSISTENCY; RUN fsck MANUALLY.\n");

        assertThatThrownBy(() -> grower(false).grow(LocatedVolume.unmounted(LOOP, "ext4"), 128 * MIB))
                .isInstanceOfSatisfying(ResizeException.class, e -> {
                    assertThat(e.kind()).isEqualTo(FailureKind.FINAL);
                    assertThat(e.reason()).isEqualTo("FilesystemCheckFailed");
                    assertThat(e.getMessage()).contains("e2fsck -f -p /dev/loop0 exited 4", "RUN fsck MANUALLY");
                });
        assertThat(runner.programs()).doesNotContain("resize2fs");
    }

    @Test
    void shouldGrowAMountedExt4OnlineWithResize2fsWhenCapSysResourceIsHeld() throws IOException {
        deviceOf(LOOP, 128 * MIB);
        statfsBytes = EXT4_128_STATFS;
        // The first two lines are real (printed before the kernel refused here); the last is resize2fs's success line.
        String online = ToolOutput.read("resize2fs-online-denied.stdout") + "The filesystem on /dev/loop0 is now 131072 (1k) blocks long.\n";
        runner.on(List.of("resize2fs", LOOP), 0, online, ToolOutput.read("resize2fs-grown.stderr"));

        GrowthResult result = grower(true).grow(mounted("ext4"), 128 * MIB);

        assertThat(runner.programs()).containsExactly("losetup", "blockdev", "resize2fs");
        assertThat(result.changed()).isTrue();
        assertThat(result.online()).isTrue();
        assertThat(result.filesystemBytes()).isEqualTo(EXT4_128_STATFS);
    }

    @Test
    void shouldReportAMountedExt4ThatResize2fsFindsFullSizeAsUnchanged() throws IOException {
        deviceOf(LOOP, 128 * MIB);
        runner.on(List.of("resize2fs", LOOP), 0, "", ToolOutput.read("resize2fs-unchanged.stderr"));

        assertThat(grower(true).grow(mounted("ext4"), 128 * MIB).changed()).isFalse();
    }

    @Test
    void shouldRefuseOnlineExt4GrowthWithoutCapSysResource() throws IOException {
        deviceOf(LOOP, 128 * MIB);
        runner.on(List.of("dumpe2fs", "-h", LOOP), ToolOutput.read("dumpe2fs-h-64MiB.stdout"));

        assertThatThrownBy(() -> grower(false).grow(mounted("ext4"), 128 * MIB))
                .isInstanceOfSatisfying(ResizeException.class, e -> {
                    assertThat(e.kind()).isEqualTo(FailureKind.INFEASIBLE);
                    assertThat(e.reason()).isEqualTo("OnlineResizeNotPermitted");
                    assertThat(e.getMessage()).contains("CAP_SYS_RESOURCE", "privileged DaemonSet", "offline");
                });
        assertThat(runner.programs()).doesNotContain("resize2fs");
    }

    @Test
    void shouldSucceedWithoutCapSysResourceWhenTheMountedExt4AlreadyFillsItsDevice() throws IOException {
        deviceOf(LOOP, 128 * MIB);
        statfsBytes = EXT4_128_STATFS;
        runner.on(List.of("dumpe2fs", "-h", LOOP), ToolOutput.read("dumpe2fs-h-128MiB.stdout"));

        GrowthResult result = grower(false).grow(mounted("ext4"), 128 * MIB);

        assertThat(result.changed()).isFalse();
        assertThat(result.filesystemBytes()).isEqualTo(EXT4_128_STATFS);
        assertThat(runner.programs()).doesNotContain("resize2fs");
    }

    @Test
    void shouldReportTheKernelRefusingOnlineResizeAsOnlineResizeNotPermitted() throws IOException {
        deviceOf(LOOP, 128 * MIB);
        runner.on(List.of("resize2fs", LOOP), 1, ToolOutput.read("resize2fs-online-denied.stdout"),
                ToolOutput.read("resize2fs-online-denied.stderr"));

        assertThatThrownBy(() -> grower(true).grow(mounted("ext4"), 128 * MIB))
                .isInstanceOfSatisfying(ResizeException.class, e -> {
                    assertThat(e.kind()).isEqualTo(FailureKind.INFEASIBLE);
                    assertThat(e.reason()).isEqualTo("OnlineResizeNotPermitted");
                });
    }

    @Test
    void shouldSucceedWithoutAnyToolForABlockModeVolume() throws IOException {
        GrowthResult result = grower(false).grow(LocatedVolume.block(), 640 * MIB);

        assertThat(runner.calls()).isEmpty();
        assertThat(result.fsType()).isEqualTo("block");
        assertThat(result.filesystemBytes()).isEqualTo(640 * MIB);
        assertThat(result.changed()).isFalse();
    }

    @Test
    void shouldRefuseAFilesystemItCannotGrow() throws IOException {
        assertThatThrownBy(() -> grower(false).grow(mounted("vfat"), 640 * MIB))
                .isInstanceOfSatisfying(ResizeException.class, e -> {
                    assertThat(e.kind()).isEqualTo(FailureKind.INFEASIBLE);
                    assertThat(e.reason()).isEqualTo("UnknownFilesystem");
                    assertThat(e.getMessage()).contains("vfat");
                });
        assertThat(runner.calls()).isEmpty();
    }

    @Test
    void shouldRefuseAVolumeWhoseFilesystemTypeIsUnknown() throws IOException {
        assertThatThrownBy(() -> grower(false).grow(LocatedVolume.unmounted(LOOP, " "), 640 * MIB))
                .isInstanceOfSatisfying(ResizeException.class, e -> {
                    assertThat(e.kind()).isEqualTo(FailureKind.INFEASIBLE);
                    assertThat(e.reason()).isEqualTo("UnknownFilesystem");
                    assertThat(e.getMessage()).contains("unknown");
                });
    }

    @Test
    void shouldRefuseAReadOnlyMount() throws IOException {
        assertThatThrownBy(() -> grower(false).grow(new LocatedVolume(VolumeMode.Filesystem, LOOP, "xfs", MOUNT, true), 640 * MIB))
                .isInstanceOfSatisfying(ResizeException.class, e -> {
                    assertThat(e.kind()).isEqualTo(FailureKind.INFEASIBLE);
                    assertThat(e.reason()).isEqualTo("ReadOnlyMount");
                    assertThat(e.getMessage()).contains(MOUNT.toString());
                });
        assertThat(runner.calls()).isEmpty();
    }

    @Test
    void shouldRetryAnUnmountedXfsBecauseXfsOnlyGrowsMounted() throws IOException {
        assertThatThrownBy(() -> grower(false).grow(LocatedVolume.unmounted(LOOP, "xfs"), 640 * MIB))
                .isInstanceOfSatisfying(ResizeException.class, e -> {
                    assertThat(e.kind()).isEqualTo(FailureKind.TRANSIENT);
                    assertThat(e.reason()).isEqualTo("VolumeNotMounted");
                });
    }

    @Test
    void shouldRetryWhileTheDeviceIsStillSmallerThanTheTarget() throws IOException {
        deviceOf(LOOP, 320 * MIB);

        assertThatThrownBy(() -> grower(false).grow(mounted("xfs"), 640 * MIB))
                .isInstanceOfSatisfying(ResizeException.class, e -> {
                    assertThat(e.kind()).isEqualTo(FailureKind.TRANSIENT);
                    assertThat(e.reason()).isEqualTo("DeviceNotGrown");
                    assertThat(e.getMessage()).contains("335544320", "671088640");
                });
        assertThat(runner.programs()).doesNotContain("xfs_growfs");
    }

    @Test
    void shouldNameProgramArgumentsAndStderrWhenAToolFails() throws IOException {
        deviceOf(LOOP, 640 * MIB);
        runner.on(List.of("xfs_growfs", "-d", MOUNT.toString()), 1, "",
                "xfs_growfs: " + MOUNT + " is not a mounted XFS filesystem\n");

        assertThatThrownBy(() -> grower(false).grow(mounted("xfs"), 640 * MIB))
                .isInstanceOfSatisfying(ResizeException.class, e -> {
                    assertThat(e.kind()).isEqualTo(FailureKind.FINAL);
                    assertThat(e.reason()).isEqualTo("FilesystemGrowFailed");
                    assertThat(e.getMessage()).contains("xfs_growfs -d " + MOUNT + " exited 1", "is not a mounted XFS filesystem");
                });
    }

    @Test
    void shouldFailFinallyWithResize2fsStderrWhenAnOfflineResizeIsRefused() throws IOException {
        deviceOf(LOOP, 128 * MIB);
        runner.on(List.of("dumpe2fs", "-h", LOOP), ToolOutput.read("dumpe2fs-h-64MiB.stdout"))
                .on(List.of("e2fsck", "-f", "-p", LOOP), ToolOutput.read("e2fsck-fp.stdout"))
                .on(List.of("resize2fs", LOOP), 1, "", ToolOutput.read("resize2fs-needs-fsck.stderr"));

        assertThatThrownBy(() -> grower(false).grow(LocatedVolume.unmounted(LOOP, "ext4"), 128 * MIB))
                .isInstanceOfSatisfying(ResizeException.class, e -> {
                    assertThat(e.kind()).isEqualTo(FailureKind.FINAL);
                    assertThat(e.reason()).isEqualTo("FilesystemGrowFailed");
                    assertThat(e.getMessage()).contains("resize2fs /dev/loop0 exited 1", "Please run 'e2fsck -f /dev/loop0' first.");
                });
    }

    @Test
    void shouldRetryAToolThatTimedOut() throws IOException {
        deviceOf(LOOP, 640 * MIB);
        runner.throwing(List.of("xfs_growfs", "-d", MOUNT.toString()), c -> new CommandTimeoutException(c, Duration.ofSeconds(5)));

        assertThatThrownBy(() -> grower(false).grow(mounted("xfs"), 640 * MIB))
                .isInstanceOfSatisfying(ResizeException.class, e -> {
                    assertThat(e.kind()).isEqualTo(FailureKind.TRANSIENT);
                    assertThat(e.reason()).isEqualTo("CommandTimeout");
                    assertThat(e.getMessage()).contains("xfs_growfs -d " + MOUNT);
                });
    }

    @Test
    void shouldFailFinallyWhenAToolIsNotInstalled() throws IOException {
        runner.throwing(List.of("losetup", "-c", LOOP), c -> new CommandNotFoundException(c, new IOException("No such file")));

        assertThatThrownBy(() -> grower(false).grow(mounted("xfs"), 640 * MIB))
                .isInstanceOfSatisfying(ResizeException.class, e -> {
                    assertThat(e.kind()).isEqualTo(FailureKind.FINAL);
                    assertThat(e.reason()).isEqualTo("ToolNotFound");
                    assertThat(e.getMessage()).contains("losetup");
                });
    }

    @Test
    void shouldRetryWhenTheMountedFilesystemCannotBeMeasured() throws IOException {
        deviceOf(LOOP, 640 * MIB);
        runner.on(List.of("xfs_growfs", "-d", MOUNT.toString()), ToolOutput.read("xfs_growfs-grown.stdout"));
        NodeCommands commands = new NodeCommands(runner, Duration.ofSeconds(5));
        ToolFilesystemGrower grower = new ToolFilesystemGrower(commands, new LoopDevices(commands), new BlockDevices(commands),
                capabilities(false), mountPoint -> {
                    throw new IOException("Transport endpoint is not connected");
                });

        assertThatThrownBy(() -> grower.grow(mounted("xfs"), 640 * MIB))
                .isInstanceOfSatisfying(ResizeException.class, e -> {
                    assertThat(e.kind()).isEqualTo(FailureKind.TRANSIENT);
                    assertThat(e.reason()).isEqualTo("FilesystemUnreachable");
                });
    }

    private void deviceOf(String device, long bytes) {
        if (LoopDevices.isLoopDevice(device)) {
            runner.on(List.of("losetup", "-c", device), "");
        }
        runner.on(List.of("blockdev", "--getsize64", device), bytes + "\n");
    }

    private static LocatedVolume mounted(String fsType) {
        return new LocatedVolume(VolumeMode.Filesystem, LOOP, fsType, MOUNT, false);
    }

    private ToolFilesystemGrower grower(boolean capSysResource) throws IOException {
        NodeCommands commands = new NodeCommands(runner, Duration.ofSeconds(5));
        return new ToolFilesystemGrower(commands, new LoopDevices(commands), new BlockDevices(commands),
                capabilities(capSysResource), mountPoint -> {
                    measured.add(mountPoint);
                    return statfsBytes;
                });
    }

    private Capabilities capabilities(boolean capSysResource) throws IOException {
        Path status = dir.resolve("status-" + capSysResource);
        Files.writeString(status, capSysResource ? STATUS_WITH_CAP_SYS_RESOURCE : STATUS_WITHOUT_CAP_SYS_RESOURCE);
        return new Capabilities(status);
    }
}
