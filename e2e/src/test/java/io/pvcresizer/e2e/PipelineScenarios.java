package io.pvcresizer.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.pvcresizer.common.testing.LoopVolume;
import io.pvcresizer.testkit.ClusterObjects;
import io.pvcresizer.testkit.LocalCluster;
import io.pvcresizer.testkit.ServiceProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The end-to-end scenarios, one body for every environment: a user raises a PVC's request and the three services,
 * on one broker and one API server, grow a real loop-backed volume and its real filesystem until the PVC ends as
 * Kubernetes would leave it. Subclasses say which Kafka broker to use.
 */
abstract class PipelineScenarios {

    private static final long MI = 1024L * 1024;
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @TempDir
    Path work;

    private LocalCluster cluster;
    private ClusterObjects objects;

    /** The bootstrap servers of the broker to use, or null for an in-process KRaft broker. */
    protected abstract String bootstrapServers();

    @BeforeEach
    void startCluster() {
        Assumptions.assumeTrue(LoopVolume.supported(), "needs root, loop devices and mount");
        cluster = LocalCluster.start(bootstrapServers(), work.resolve("images"), work.resolve("kubelet")).withServices("node-a");
        objects = new ClusterObjects(cluster.client());
        objects.createStorageClass();
    }

    @AfterEach
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void shouldGrowAMountedXfsVolumeOnlineAndEndAsKubernetesWould() throws IOException {
        objects.createBoundClaim("data-xfs", "pv-xfs", "pv-xfs.img", "320Mi", "xfs");
        Pod pod = objects.createPod("app-xfs", "data-xfs", "node-a", "Running");
        try (LoopVolume volume = LoopVolume.create(cluster.imageDir(), "pv-xfs.img", 320 * MI, "xfs")) {
            volume.mountAt(LoopVolume.podMountPath(cluster.kubeletRoot(), pod.getMetadata().getUid(), "pv-xfs"));
            Path file = volume.mountPoint().resolve("before-resize.txt");
            Files.writeString(file, "written before the resize", StandardCharsets.UTF_8);
            long dfBefore = volume.dfSizeBytes();
            assertThat(dfBefore).isLessThan(320 * MI);

            objects.request("data-xfs", "640Mi");

            await().atMost(PATIENCE).untilAsserted(() -> {
                assertThat(objects.capacity("data-xfs")).isEqualTo(new Quantity("640Mi"));
                assertThat(objects.conditionTypes("data-xfs")).isEmpty();
                assertThat(objects.claimEventReasons("data-xfs"))
                        .contains("Resizing", "FileSystemResizeRequired", "FileSystemResizeSuccessful");
            });
            assertThat(objects.resizeStatus("data-xfs")).isNull();
            assertThat(objects.volume("pv-xfs").getSpec().getCapacity()).containsEntry("storage", new Quantity("640Mi"));
            // xfs keeps its internal log out of df's total: a 640 MiB xfs shows about 576 MiB, a 320 MiB one about 256.
            assertThat(volume.dfSizeBytes()).as("df after the resize").isGreaterThanOrEqualTo(dfBefore + 300 * MI);
            assertThat(Files.readString(file, StandardCharsets.UTF_8)).isEqualTo("written before the resize");
        }
        assertEveryDocumentedMetricIsServed();
    }

    /** Every metric of the README's table is served once a resize (and a dead letter) happened. */
    private void assertEveryDocumentedMetricIsServed() throws IOException {
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, byte[]>(java.util.Map.of(
                "bootstrap.servers", cluster.bootstrapServers()), new org.apache.kafka.common.serialization.StringSerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>("pvc-resize.volume-requests", "pv-poison",
                    "{not json".getBytes(StandardCharsets.UTF_8)));
        }
        Path readme = ServiceProcess.sourceRoot().resolve("README.md");
        java.util.List<String> documented = Files.readAllLines(readme).stream()
                .filter(line -> line.startsWith("| `pvc_resizer_") || line.startsWith("| `resilience4j_"))
                .map(line -> line.substring(3, line.indexOf('`', 3)))
                .filter(name -> !name.equals("pvc_resizer_retries_total"))
                .filter(name -> !name.startsWith("resilience4j_")) // exists per configured Ceph cluster: CephBackendsIT checks it
                .toList();
        assertThat(documented).hasSizeGreaterThan(10);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            String served = cluster.scrapeMetrics();
            assertThat(documented).allSatisfy(name -> assertThat(served).as(name).containsPattern("(?m)^" + name + "[{ _]"));
        });
    }

    @Test
    void shouldKeepFileSystemResizePendingUntilAPodStartsThenGrowExt4Offline() throws IOException {
        objects.createBoundClaim("data-ext4", "pv-ext4", "pv-ext4.img", "64Mi", "ext4");
        try (LoopVolume volume = LoopVolume.create(cluster.imageDir(), "pv-ext4.img", 64 * MI, "ext4")) {
            Path staging = work.resolve("staging");
            volume.mountAt(staging);
            Files.writeString(staging.resolve("before-resize.txt"), "ext4 data", StandardCharsets.UTF_8);
            volume.unmount();

            objects.request("data-ext4", "128Mi");

            await().atMost(PATIENCE).until(() -> "NodeResizePending".equals(objects.resizeStatus("data-ext4")));
            assertThat(objects.conditionTypes("data-ext4")).containsExactly("FileSystemResizePending");
            assertThat(objects.capacity("data-ext4")).isEqualTo(new Quantity("64Mi"));
            assertThat(objects.volume("pv-ext4").getSpec().getCapacity()).containsEntry("storage", new Quantity("128Mi"));
            // No pod uses the claim: it waits, however long, for one to start.
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                    .until(() -> "NodeResizePending".equals(objects.resizeStatus("data-ext4")));

            Pod pod = objects.createPod("app-ext4", "data-ext4", "node-a", "Pending");

            await().atMost(PATIENCE).untilAsserted(() -> {
                assertThat(objects.capacity("data-ext4")).isEqualTo(new Quantity("128Mi"));
                assertThat(objects.conditionTypes("data-ext4")).isEmpty();
                assertThat(objects.claimEventReasons("data-ext4"))
                        .contains("Resizing", "FileSystemResizeRequired", "FileSystemResizeSuccessful");
            });
            // Now kubelet mounts it for the pod: the grown filesystem and the old data are there.
            volume.mountAt(LoopVolume.podMountPath(cluster.kubeletRoot(), pod.getMetadata().getUid(), "pv-ext4"));
            assertThat(volume.dfSizeBytes()).isGreaterThan(110 * MI);
            assertThat(Files.readString(volume.mountPoint().resolve("before-resize.txt"), StandardCharsets.UTF_8))
                    .isEqualTo("ext4 data");
        }
    }
}
