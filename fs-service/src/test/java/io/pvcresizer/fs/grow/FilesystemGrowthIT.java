package io.pvcresizer.fs.grow;

import static io.pvcresizer.common.testing.LoopVolume.assumeLoopDevices;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pvcresizer.common.command.ProcessCommandRunner;
import io.pvcresizer.common.events.FailureKind;
import io.pvcresizer.common.failure.Reason;
import io.pvcresizer.common.failure.ResizeException;
import io.pvcresizer.common.testing.LoopVolume;
import io.pvcresizer.fs.command.NodeCommands;
import io.pvcresizer.fs.device.BlockDevices;
import io.pvcresizer.fs.device.LoopDevices;
import io.pvcresizer.fs.expansion.FilesystemExpansion;
import io.pvcresizer.fs.expansion.VolumeLocks;
import io.pvcresizer.fs.mount.KubeletVolumeLocator;
import io.pvcresizer.fs.mount.ProcMountTable;
import io.pvcresizer.fs.mount.VolumeLocator;
import io.pvcresizer.fs.testing.TestRequests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Grows real filesystems on real loop devices, found through the real mount table: xfs online at a kubelet pod mount,
 * ext4 offline behind a local-file image, and ext4 online where the process may (or may not) do it. Needs root.
 */
class FilesystemGrowthIT {

    private static final long MIB = 1024L * 1024L;

    @TempDir
    Path dir;

    private final List<LoopVolume> volumes = new ArrayList<>();
    private Path kubeletRoot;
    private Path imageDir;
    private FilesystemExpansion expansion;

    @BeforeEach
    void wireTheRealTools() throws IOException {
        kubeletRoot = Files.createDirectories(dir.resolve("kubelet"));
        imageDir = Files.createDirectories(dir.resolve("images"));
        NodeCommands commands = new NodeCommands(new ProcessCommandRunner(), Duration.ofMinutes(1));
        LoopDevices loopDevices = new LoopDevices(commands);
        BlockDevices blockDevices = new BlockDevices(commands);
        VolumeLocator locator = new KubeletVolumeLocator(new ProcMountTable(Path.of("/proc/self/mountinfo")), loopDevices,
                blockDevices, kubeletRoot, imageDir);
        FilesystemGrower grower = new ToolFilesystemGrower(commands, loopDevices, blockDevices, Capabilities.ofThisProcess(),
                Statfs.fileStore());
        expansion = new FilesystemExpansion(new VolumeLocks(), locator, grower);
    }

    @AfterEach
    void unmountAndDetach() {
        volumes.forEach(LoopVolume::close);
    }

    @Test
    void shouldGrowAMountedXfsOnlineAndKeepItsData() throws IOException {
        assumeLoopDevices("mkfs.xfs", "xfs_growfs", "blockdev", "df");
        String podUid = UUID.randomUUID().toString();
        Path mountPoint = podMount(podUid, "pv-xfs");
        LoopVolume volume = track(LoopVolume.create(dir.resolve("xfs.img"), 320 * MIB, "xfs")).mountAt(mountPoint);
        Files.writeString(mountPoint.resolve("data.txt"), "written before growing");
        long before = Files.getFileStore(mountPoint).getTotalSpace();

        volume.growImage(640 * MIB);
        GrowthResult result = expansion.expand(TestRequests.forNode("node-a").pv("pv-xfs").podUid(podUid).fsType("xfs")
                .target(640 * MIB).build());

        assertThat(result.changed()).isTrue();
        assertThat(result.online()).isTrue();
        assertThat(result.fsType()).isEqualTo("xfs");
        assertThat(result.volume().device()).isEqualTo(volume.device());
        // statfs leaves out the 64 MiB internal log: 576 MiB of a 640 MiB device (df -B1 showed 603979776 here).
        assertThat(result.filesystemBytes()).isGreaterThan(600_000_000L).isGreaterThan(2 * before - 100 * MIB);
        assertThat(result.filesystemBytes()).isEqualTo(Files.getFileStore(mountPoint).getTotalSpace());
        assertThat(dfBytes(mountPoint)).isEqualTo(result.filesystemBytes());
        assertThat(Files.readString(mountPoint.resolve("data.txt"))).isEqualTo("written before growing");
    }

    @Test
    void shouldSucceedWithoutChangeWhenTheXfsIsAlreadyGrown() {
        assumeLoopDevices("mkfs.xfs", "xfs_growfs", "blockdev");
        String podUid = UUID.randomUUID().toString();
        Path mountPoint = podMount(podUid, "pv-xfs");
        LoopVolume volume = track(LoopVolume.create(dir.resolve("xfs.img"), 320 * MIB, "xfs")).mountAt(mountPoint);
        volume.growImage(640 * MIB);
        TestRequests request = TestRequests.forNode("node-a").pv("pv-xfs").podUid(podUid).fsType("xfs").target(640 * MIB);
        GrowthResult first = expansion.expand(request.build());

        GrowthResult again = expansion.expand(request.build());

        assertThat(again.changed()).isFalse();
        assertThat(again.filesystemBytes()).isEqualTo(first.filesystemBytes());
    }

    @Test
    void shouldGrowAnUnmountedExt4OfflineBehindALocalFileImage() throws IOException {
        assumeLoopDevices("mkfs.ext4", "e2fsck", "resize2fs", "dumpe2fs", "blkid", "blockdev");
        LoopVolume volume = track(LoopVolume.create(imageDir.resolve("vol-ext4"), 64 * MIB, "ext4"));
        Path scratch = dir.resolve("scratch");
        volume.mountAt(scratch);
        Files.writeString(scratch.resolve("data.txt"), "written before growing");
        volume.unmount();

        volume.growImage(128 * MIB);
        TestRequests request = TestRequests.forNode("node-a").pv("pv-ext4").localFile("vol-ext4").fsType("").target(128 * MIB);
        GrowthResult result = expansion.expand(request.build());

        assertThat(result.online()).isFalse();
        assertThat(result.changed()).isTrue();
        assertThat(result.fsType()).as("probed with blkid").isEqualTo("ext4");
        assertThat(result.filesystemBytes()).isEqualTo(128 * MIB);
        String superblock = LoopVolume.run("dumpe2fs", "-h", volume.device()).stdout();
        assertThat(superblock).containsPattern("Block count:\\s+131072").containsPattern("Block size:\\s+1024");
        assertThat(expansion.expand(request.build()).changed()).as("a repeated request changes nothing").isFalse();
        volume.mountAt(scratch);
        assertThat(Files.readString(scratch.resolve("data.txt"))).isEqualTo("written before growing");
    }

    @Test
    void shouldGrowAMountedExt4OnlineOnlyWithCapSysResource() throws IOException {
        assumeLoopDevices("mkfs.ext4", "resize2fs", "dumpe2fs", "blockdev");
        String podUid = UUID.randomUUID().toString();
        Path mountPoint = podMount(podUid, "pv-ext4");
        LoopVolume volume = track(LoopVolume.create(dir.resolve("ext4.img"), 64 * MIB, "ext4")).mountAt(mountPoint);
        volume.growImage(128 * MIB);
        TestRequests request = TestRequests.forNode("node-a").pv("pv-ext4").podUid(podUid).fsType("ext4").target(128 * MIB);

        if (Capabilities.ofThisProcess().hasEffective(Capabilities.CAP_SYS_RESOURCE)) {
            GrowthResult result = expansion.expand(request.build());
            assertThat(result.online()).isTrue();
            assertThat(result.filesystemBytes()).isGreaterThan(100 * MIB);
        } else {
            assertThatThrownBy(() -> expansion.expand(request.build()))
                    .isInstanceOfSatisfying(ResizeException.class, e -> {
                        assertThat(e.kind()).isEqualTo(FailureKind.INFEASIBLE);
                        assertThat(e.reason()).isEqualTo("OnlineResizeNotPermitted");
                        assertThat(e.getMessage()).contains("CAP_SYS_RESOURCE", mountPoint.toString());
                    });
            assertThat(Files.getFileStore(mountPoint).getTotalSpace()).as("left as it was").isLessThan(64 * MIB);
        }
    }

    @Test
    void shouldGrowAMountedBtrfsOnlineAndKeepItsDataByChecksum() throws Exception {
        assumeLoopDevices("mkfs.btrfs", "btrfs", "blockdev");
        String podUid = UUID.randomUUID().toString();
        Path mountPoint = podMount(podUid, "pv-btrfs");
        LoopVolume volume = track(LoopVolume.create(dir.resolve("btrfs.img"), 300 * MIB, "btrfs")).mountAt(mountPoint);
        String checksum = writeRandomFile(mountPoint.resolve("data.bin"));
        long before = Files.getFileStore(mountPoint).getTotalSpace();

        volume.growImage(600 * MIB);
        GrowthResult result = expansion.expand(TestRequests.forNode("node-a").pv("pv-btrfs").podUid(podUid).fsType("btrfs")
                .target(600 * MIB).build());

        assertThat(result.changed()).isTrue();
        assertThat(result.fsType()).isEqualTo("btrfs");
        assertThat(result.filesystemBytes()).isEqualTo(600 * MIB).isGreaterThan(before);
        assertThat(dfBytes(mountPoint)).isEqualTo(600 * MIB);
        assertThat(sha256(mountPoint.resolve("data.bin"))).isEqualTo(checksum);
        assertThat(expansion.expand(TestRequests.forNode("node-a").pv("pv-btrfs").podUid(podUid).fsType("btrfs")
                .target(600 * MIB).build()).changed()).as("a repeated request changes nothing").isFalse();
    }

    @Test
    void shouldReportABlockModeVolumeDoneWithoutTouchingAnything() {
        GrowthResult result = expansion.expand(TestRequests.forNode("node-a").pv("pv-block").block().target(640 * MIB).build());

        assertThat(result.changed()).isFalse();
        assertThat(result.filesystemBytes()).isEqualTo(640 * MIB);
    }

    @Test
    void shouldRefuseAFilesystemItCannotGrowAsInfeasible() {
        assumeLoopDevices("mkfs.minix", "blkid", "blockdev");
        LoopVolume volume = track(LoopVolume.create(imageDir.resolve("vol-minix"), 64 * MIB, "minix"));
        volume.growImage(128 * MIB);

        assertThatThrownBy(() -> expansion.expand(TestRequests.forNode("node-a").pv("pv-minix").localFile("vol-minix")
                .fsType("").target(128 * MIB).build()))
                .isInstanceOfSatisfying(io.pvcresizer.common.failure.ResizeException.class, e -> {
                    assertThat(e.kind()).isEqualTo(io.pvcresizer.common.events.FailureKind.INFEASIBLE);
                    assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_FILESYSTEM.code());
                    assertThat(e.getMessage()).contains("cannot grow a minix filesystem");
                });
    }

    @Test
    void shouldWaitForTheMountOfANewPodAndGrowTheVolumeThen() throws Exception {
        assumeLoopDevices("mkfs.xfs", "xfs_growfs", "blockdev");
        NodeCommands commands = new NodeCommands(new ProcessCommandRunner(), Duration.ofMinutes(1));
        LoopDevices loopDevices = new LoopDevices(commands);
        BlockDevices blockDevices = new BlockDevices(commands);
        FilesystemExpansion waiting = new FilesystemExpansion(new VolumeLocks(),
                new KubeletVolumeLocator(new ProcMountTable(Path.of("/proc/self/mountinfo")), loopDevices, blockDevices, kubeletRoot, imageDir),
                new ToolFilesystemGrower(commands, loopDevices, blockDevices, Capabilities.ofThisProcess(), Statfs.fileStore()),
                Duration.ofSeconds(30), Duration.ofMillis(200));
        String podUid = UUID.randomUUID().toString();
        Path mountPoint = podMount(podUid, "pv-later");
        LoopVolume volume = track(LoopVolume.create(imageDir.resolve("vol-later"), 320 * MIB, "xfs"));
        volume.growImage(640 * MIB);
        // kubelet has made the new pod's directory and mounts the volume for it a moment after the request arrived
        Files.createDirectories(kubeletRoot.resolve("pods").resolve(podUid));
        java.util.concurrent.CompletableFuture<Void> kubelet = java.util.concurrent.CompletableFuture.runAsync(() -> volume.mountAt(mountPoint),
                java.util.concurrent.CompletableFuture.delayedExecutor(2, java.util.concurrent.TimeUnit.SECONDS));

        GrowthResult result = waiting.expand(TestRequests.forNode("node-a").pv("pv-later").podUid(podUid)
                .localFile("vol-later").fsType("xfs").target(640 * MIB).build());

        kubelet.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(result.online()).as("grown once mounted").isTrue();
        assertThat(result.changed()).isTrue();
        assertThat(dfBytes(mountPoint)).isGreaterThan(600_000_000L);
    }

    private static String writeRandomFile(Path file) throws Exception {
        byte[] data = new byte[1024 * 1024];
        new java.util.Random(42).nextBytes(data);
        Files.write(file, data);
        return sha256(file);
    }

    private static String sha256(Path file) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    private Path podMount(String podUid, String pvName) {
        return kubeletRoot.resolve(Path.of("pods", podUid, "volumes", "kubernetes.io~csi", pvName, "mount"));
    }

    private LoopVolume track(LoopVolume volume) {
        volumes.add(volume);
        return volume;
    }

    private static long dfBytes(Path mountPoint) {
        String out = LoopVolume.run("df", "-B1", "--output=size", mountPoint.toString()).stdout();
        return Long.parseLong(out.lines().skip(1).findFirst().orElseThrow().strip());
    }
}
