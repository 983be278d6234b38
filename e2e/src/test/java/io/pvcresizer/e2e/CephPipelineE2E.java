package io.pvcresizer.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.pvcresizer.common.command.Command;
import io.pvcresizer.common.command.ProcessCommandRunner;
import io.pvcresizer.common.testing.CephMiniCluster;
import io.pvcresizer.common.testing.LoopVolume;
import io.pvcresizer.testkit.ClusterObjects;
import io.pvcresizer.testkit.LocalCluster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline end to end on a real Ceph cluster: an RBD-backed volume (the image shown as a file by rbd-fuse, a loop
 * device on it, xfs on that) grown in Ceph and then on the node, a CephFS subvolume grown by its quota with no node
 * step, and a missing image refused with the tool's message on the PVC.
 */
class CephPipelineE2E {

    private static final long MI = 1024L * 1024;
    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final String CLUSTER_ID = "ceph-e2e";
    private static final ProcessCommandRunner COMMANDS = new ProcessCommandRunner();

    @TempDir
    Path work;

    private CephMiniCluster ceph;
    private LocalCluster cluster;
    private ClusterObjects objects;

    @BeforeEach
    void start() {
        Assumptions.assumeTrue(CephMiniCluster.available() && LoopVolume.supported(), "needs root, loop devices and Ceph");
        ceph = CephMiniCluster.shared();
        cluster = LocalCluster.start(null, work.resolve("images"), work.resolve("kubelet"))
                .withCephCluster(CLUSTER_ID, ceph.confPath(), ceph.keyringPath())
                .withServices("node-a");
        objects = new ClusterObjects(cluster.client());
        objects.createStorageClass();
    }

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static String run(Duration timeout, String... argv) {
        return COMMANDS.run(Command.of(timeout, argv)).orThrow().stdout();
    }

    private static void unmount(Path dir) {
        if (COMMANDS.run(Command.of(Duration.ofSeconds(30), "umount", dir.toString())).exitCode() != 0) {
            COMMANDS.run(Command.of(Duration.ofSeconds(30), "umount", "-l", dir.toString()));
        }
    }

    private static boolean mounted(Path dir) throws IOException {
        return Files.readString(Path.of("/proc/self/mountinfo")).contains(" " + dir + " ");
    }

    private long rbdSize(String image) {
        return Long.parseLong(ceph.rbd("info", "--format", "json", "rbd/" + image).replaceAll("(?s).*\"size\":(\\d+).*", "$1"));
    }

    @Test
    void shouldGrowAnRbdBackedXfsVolumeInCephAndOnTheNode() throws IOException {
        String image = "e2e-" + UUID.randomUUID().toString().substring(0, 8);
        ceph.rbd("create", "rbd/" + image, "--size", "320M");
        objects.createBoundClaim("data-rbd", "pv-rbd", "rbd.csi.ceph.com", "0001-" + image,
                Map.of("clusterID", CLUSTER_ID, "pool", "rbd", "imageName", image), "320Mi", "xfs");
        Pod pod = objects.createPod("app-rbd", "data-rbd", "node-a", "Running");
        Path fuse = Files.createDirectories(work.resolve("rbd-fuse"));
        run(Duration.ofSeconds(30), "rbd-fuse", "-c", ceph.confPath().toString(), "-p", "rbd", fuse.toString());
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(fuse.resolve(image)));
            try (LoopVolume volume = LoopVolume.attach(fuse.resolve(image), "xfs")) {
                volume.mountAt(LoopVolume.podMountPath(cluster.kubeletRoot(), pod.getMetadata().getUid(), "pv-rbd"));
                Files.writeString(volume.mountPoint().resolve("before.txt"), "rbd data", StandardCharsets.UTF_8);
                long dfBefore = volume.dfSizeBytes();

                objects.request("data-rbd", "640Mi");

                await().atMost(PATIENCE).untilAsserted(() -> {
                    assertThat(objects.capacity("data-rbd")).isEqualTo(new Quantity("640Mi"));
                    assertThat(objects.conditionTypes("data-rbd")).isEmpty();
                    assertThat(objects.claimEventReasons("data-rbd"))
                            .contains("Resizing", "FileSystemResizeRequired", "FileSystemResizeSuccessful");
                });
                assertThat(rbdSize(image)).as("rbd info").isEqualTo(640 * MI);
                assertThat(volume.dfSizeBytes()).as("df after").isGreaterThanOrEqualTo(dfBefore + 300 * MI);
                assertThat(Files.readString(volume.mountPoint().resolve("before.txt"), StandardCharsets.UTF_8)).isEqualTo("rbd data");
            }
        } finally {
            unmount(fuse);
        }
    }

    @Test
    void shouldGrowACephFsSubvolumeWithoutANodeStep() throws IOException {
        String subvolume = "e2e-" + UUID.randomUUID().toString().substring(0, 8);
        // As ceph-csi provisions: in its default group csi, which the PV's attributes do not name.
        ceph.ceph("fs", "subvolumegroup", "create", "cephfs", "csi");
        ceph.ceph("fs", "subvolume", "create", "cephfs", subvolume, "--size", Long.toString(100 * MI), "--group_name", "csi");
        String path = ceph.ceph("fs", "subvolume", "getpath", "cephfs", subvolume, "--group_name", "csi").strip();
        objects.createBoundClaim("data-cephfs", "pv-cephfs", "cephfs.csi.ceph.com", "0001-" + subvolume,
                Map.of("clusterID", CLUSTER_ID, "fsName", "cephfs", "subvolumeName", subvolume), "100Mi", "");
        Pod pod = objects.createPod("app-cephfs", "data-cephfs", "node-a", "Running");
        Path mount = Files.createDirectories(LoopVolume.podMountPath(cluster.kubeletRoot(), pod.getMetadata().getUid(), "pv-cephfs"));
        run(Duration.ofSeconds(60), "ceph-fuse", "-c", ceph.confPath().toString(), "-r", path, mount.toString());
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> mounted(mount));
            assertThat(LoopVolume.dfSizeBytes(mount)).isEqualTo(100 * MI);

            objects.request("data-cephfs", "200Mi");

            await().atMost(PATIENCE).untilAsserted(() -> {
                assertThat(objects.capacity("data-cephfs")).isEqualTo(new Quantity("200Mi"));
                assertThat(objects.claimEventReasons("data-cephfs")).contains("Resizing", "VolumeResizeSuccessful");
            });
            assertThat(objects.conditionTypes("data-cephfs")).isEmpty();
            assertThat(objects.claimEventReasons("data-cephfs")).doesNotContain("FileSystemResizeRequired");
            await().atMost(Duration.ofSeconds(10)).until(() -> LoopVolume.dfSizeBytes(mount) == 200 * MI);
        } finally {
            unmount(mount);
        }
    }

    @Test
    void shouldShowAMissingImageOnThePvcWithTheToolsMessage() {
        objects.createBoundClaim("data-gone", "pv-gone", "rbd.csi.ceph.com", "0001-gone",
                Map.of("clusterID", CLUSTER_ID, "pool", "rbd", "imageName", "no-such-image"), "1Gi", "xfs");

        objects.request("data-gone", "2Gi");

        await().atMost(PATIENCE).untilAsserted(() -> {
            assertThat(objects.claim("data-gone").getStatus().getConditions()).anySatisfy(error -> {
                assertThat(error.getType()).isEqualTo("ControllerResizeError");
                assertThat(error.getReason()).isEqualTo("VolumeNotFound");
                assertThat(error.getMessage()).contains("rbd: error opening image no-such-image: (2) No such file or directory");
            });
            assertThat(objects.resizeStatus("data-gone")).isEqualTo("ControllerResizeInfeasible");
            assertThat(objects.events("PersistentVolumeClaim", "data-gone"))
                    .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("VolumeResizeFailed"));
        });
        assertThat(objects.capacity("data-gone")).isEqualTo(new Quantity("1Gi"));
    }
}
