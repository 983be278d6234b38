package io.pvcresizer.fs.mount;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pvcresizer.common.events.FailureKind;
import io.pvcresizer.common.failure.ResizeException;
import io.pvcresizer.fs.command.NodeCommands;
import io.pvcresizer.fs.device.BlockDevices;
import io.pvcresizer.fs.device.LoopDevices;
import io.pvcresizer.common.testing.FakeCommandRunner;
import io.pvcresizer.fs.testing.TestRequests;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finds a request's volume among kubelet's mounts of a fake mount table, or behind a local-file image. */
class KubeletVolumeLocatorTest {

    private static final String UID = "6f1c2a7e-0d5b-4a51-9a3e-3b8f7f0e9c11";
    private static final String OTHER_UID = "0b5e7c7d-44c4-4bd0-a1b2-77d0f7f0a001";
    private static final String KUBELET = "/var/lib/kubelet";

    @TempDir
    Path imageDir;

    @TempDir
    Path sysBlock;

    private final List<String> mountinfo = new ArrayList<>();
    private final FakeCommandRunner runner = new FakeCommandRunner();

    @Test
    void shouldFindThePodsOwnCsiMount() {
        mount(1, KUBELET + "/pods/" + UID + "/volumes/kubernetes.io~csi/pv-a/mount", "rw", "xfs", "/dev/loop3");

        LocatedVolume volume = locate(TestRequests.forNode("node-a").pv("pv-a").podUid(UID)).orElseThrow();

        assertThat(volume.device()).isEqualTo("/dev/loop3");
        assertThat(volume.fsType()).isEqualTo("xfs");
        assertThat(volume.mountPoint()).isEqualTo(Path.of(KUBELET, "pods", UID, "volumes", "kubernetes.io~csi", "pv-a", "mount"));
        assertThat(volume.mounted()).isTrue();
        assertThat(volume.readOnly()).isFalse();
    }

    @Test
    void shouldPreferThePodsOwnMountOverOtherMountsOfTheSameVolume() {
        mount(1, KUBELET + "/plugins/kubernetes.io/csi/pv/pv-a/globalmount", "rw", "xfs", "/dev/loop3");
        mount(2, KUBELET + "/pods/" + OTHER_UID + "/volumes/kubernetes.io~csi/pv-a/mount", "rw", "xfs", "/dev/loop3");
        mount(3, KUBELET + "/pods/" + UID + "/volumes/kubernetes.io~csi/pv-a/mount", "rw", "xfs", "/dev/loop3");

        assertThat(locate(TestRequests.forNode("node-a").pv("pv-a").podUid(UID)).orElseThrow().mountPoint())
                .isEqualTo(Path.of(KUBELET, "pods", UID, "volumes", "kubernetes.io~csi", "pv-a", "mount"));
    }

    @Test
    void shouldAcceptAnotherPodsMountOfTheVolume() {
        mount(2, KUBELET + "/pods/" + OTHER_UID + "/volumes/kubernetes.io~csi/pv-a/mount", "rw", "ext4", "/dev/rbd0");

        assertThat(locate(TestRequests.forNode("node-a").pv("pv-a").podUid(UID)).orElseThrow().device()).isEqualTo("/dev/rbd0");
    }

    @Test
    void shouldAcceptTheCsiGlobalMountByPvName() {
        mount(1, KUBELET + "/plugins/kubernetes.io/csi/pv/pv-a/globalmount", "rw", "ext4", "/dev/rbd0");

        assertThat(locate(TestRequests.forNode("node-a").pv("pv-a").podUid(UID))).isPresent();
    }

    @Test
    void shouldAcceptTheCsiGlobalMountNamedAfterTheVolumeHandleHash() throws NoSuchAlgorithmException {
        String handle = "0001-0009-rook-ceph-0000000000000001-8a6f";
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(handle.getBytes(StandardCharsets.UTF_8)));
        mount(1, KUBELET + "/plugins/kubernetes.io/csi/rbd.csi.ceph.com/" + sha + "/globalmount", "rw", "xfs", "/dev/rbd0");

        assertThat(locate(TestRequests.forNode("node-a").pv("pv-a").volumeHandle(handle))).isPresent();
    }

    @Test
    void shouldPreferAWritableMountWhenThePodMountsTheVolumeReadOnly() {
        mount(1, KUBELET + "/pods/" + UID + "/volumes/kubernetes.io~csi/pv-a/mount", "ro,relatime", "xfs", "/dev/loop3");
        mount(2, KUBELET + "/plugins/kubernetes.io/csi/pv/pv-a/globalmount", "rw,relatime", "xfs", "/dev/loop3");

        LocatedVolume volume = locate(TestRequests.forNode("node-a").pv("pv-a").podUid(UID)).orElseThrow();

        assertThat(volume.readOnly()).isFalse();
        assertThat(volume.mountPoint().toString()).endsWith("globalmount");
    }

    @Test
    void shouldReturnAReadOnlyMountWhenItIsTheOnlyOne() {
        mount(1, KUBELET + "/pods/" + UID + "/volumes/kubernetes.io~csi/pv-a/mount", "ro,relatime", "xfs", "/dev/loop3");

        assertThat(locate(TestRequests.forNode("node-a").pv("pv-a").podUid(UID)).orElseThrow().readOnly()).isTrue();
    }

    @Test
    void shouldFindAVolumeOfTheInTreeRbdPlugin() {
        mount(1, KUBELET + "/pods/" + UID + "/volumes/kubernetes.io~rbd/pv-a", "rw", "ext4", "/dev/rbd0");

        LocatedVolume volume = locate(TestRequests.forNode("node-a").pv("pv-a").podUid(UID)).orElseThrow();

        assertThat(volume.device()).isEqualTo("/dev/rbd0");
        assertThat(volume.mounted()).isTrue();
    }

    @Test
    void shouldIgnoreMountsOfOtherVolumesAndOutsideTheKubeletRoot() {
        mount(1, KUBELET + "/pods/" + UID + "/volumes/kubernetes.io~csi/pv-ab/mount", "rw", "xfs", "/dev/loop3");
        mount(2, "/mnt/pods/" + UID + "/volumes/kubernetes.io~csi/pv-a/mount", "rw", "xfs", "/dev/loop4");
        mount(3, KUBELET + "/plugins/kubernetes.io/csi/pv/pv-a/mount", "rw", "xfs", "/dev/loop5");

        assertThat(locate(TestRequests.forNode("node-a").pv("pv-a").podUid(UID))).isEmpty();
        assertThat(runner.calls()).isEmpty();
    }

    @Test
    void shouldFindAnUnmountedLocalFileVolumeThroughItsLoopDevice() throws IOException {
        Path image = Files.createFile(imageDir.resolve("vol-1"));
        attach("loop6", image);
        runner.on(List.of("blkid", "-p", "-s", "TYPE", "-o", "value", "/dev/loop6"), "ext4\n");

        LocatedVolume volume = locate(TestRequests.forNode("node-a").pv("pv-a").localFile("vol-1").fsType("xfs")).orElseThrow();

        assertThat(volume.mounted()).isFalse();
        assertThat(volume.device()).isEqualTo("/dev/loop6");
        assertThat(volume.fsType()).as("what is on the device wins over the PV's fsType").isEqualTo("ext4");
    }

    @Test
    void shouldFallBackToTheRequestedFsTypeWhenBlkidFindsNothing() throws IOException {
        Path image = Files.createFile(imageDir.resolve("vol-1"));
        attach("loop6", image);
        runner.on(List.of("blkid", "-p", "-s", "TYPE", "-o", "value", "/dev/loop6"), 2, "", "");

        assertThat(locate(TestRequests.forNode("node-a").pv("pv-a").localFile("vol-1").fsType("ext4")).orElseThrow().fsType())
                .isEqualTo("ext4");
    }

    @Test
    void shouldTreatALocalFileVolumeMountedOutsideKubeletAsMounted() throws IOException {
        Path image = Files.createFile(imageDir.resolve("vol-1"));
        attach("loop6", image);
        mount(1, "/srv/data", "rw", "ext4", "/dev/loop6");

        LocatedVolume volume = locate(TestRequests.forNode("node-a").pv("pv-a").localFile("vol-1")).orElseThrow();

        assertThat(volume.mountPoint()).isEqualTo(Path.of("/srv/data"));
    }

    @Test
    void shouldFindNothingWhenTheLocalFileImageIsNotAttached() throws IOException {
        Path image = Files.createFile(imageDir.resolve("vol-1"));
        attach("loop2", imageDir.resolve("another-image"));

        assertThat(locate(TestRequests.forNode("node-a").pv("pv-a").localFile("vol-1"))).isEmpty();
    }

    @Test
    void shouldFindNothingWhenTheLocalFileImageDoesNotExist() {
        assertThat(locate(TestRequests.forNode("node-a").pv("pv-a").localFile("vol-404"))).isEmpty();
        assertThat(runner.calls()).isEmpty();
    }

    @Test
    void shouldRefuseALocalFileHandleThatIsAPath() {
        for (String handle : List.of("../etc/passwd", "..", "a/b", ".hidden", "")) {
            assertThatThrownBy(() -> locate(TestRequests.forNode("node-a").pv("pv-a").localFile(handle)))
                    .isInstanceOfSatisfying(ResizeException.class, e -> {
                        assertThat(e.kind()).isEqualTo(FailureKind.INFEASIBLE);
                        assertThat(e.reason()).isEqualTo("InvalidVolumeReference");
                    });
        }
    }

    @Test
    void shouldRefusePvNamesAndPodUidsThatCouldLeaveTheKubeletRoot() {
        assertThatThrownBy(() -> locate(TestRequests.forNode("node-a").pv("../../etc")))
                .isInstanceOfSatisfying(ResizeException.class, e -> assertThat(e.reason()).isEqualTo("InvalidVolumeReference"));
        assertThatThrownBy(() -> locate(TestRequests.forNode("node-a").pv("pv-a").podUid("../..")))
                .isInstanceOfSatisfying(ResizeException.class, e -> assertThat(e.reason()).isEqualTo("InvalidVolumeReference"));
    }

    @Test
    void shouldFindNothingForAnotherDriverThatIsNotMounted() {
        assertThat(locate(TestRequests.forNode("node-a").pv("pv-a"))).isEmpty();
    }

    private void mount(int id, String mountPoint, String options, String fsType, String source) {
        mountinfo.add(id + " 27 7:" + id + " / " + mountPoint.replace(" ", "\\040") + " " + options + " - " + fsType + " "
                + source + " rw");
    }

    private Optional<LocatedVolume> locate(TestRequests request) {
        NodeCommands commands = new NodeCommands(runner, Duration.ofSeconds(5));
        MountTable table = () -> MountInfoParser.parseAll(String.join("\n", mountinfo));
        return new KubeletVolumeLocator(table, new LoopDevices(commands, sysBlock), new BlockDevices(commands), Path.of(KUBELET), imageDir)
                .locate(request.build());
    }

    /** Attaches {@code backingFile} to loop device {@code loop} in the test's sysfs tree. */
    private void attach(String loop, Path backingFile) throws IOException {
        Path dir = Files.createDirectories(sysBlock.resolve(loop).resolve("loop"));
        Files.writeString(dir.resolve("backing_file"), backingFile + "\n");
    }
}
