package io.pvcresizer.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.pvcresizer.common.testing.KubeMiniCluster;
import io.pvcresizer.csi.testing.CsiMockDriver;
import io.pvcresizer.csi.testing.CsiTestPrograms;
import io.pvcresizer.testkit.ClusterObjects;
import io.pvcresizer.testkit.LocalCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The whole pipeline with the CSI backend on the real control plane: a claim of a CSI driver (Kubernetes' mock CSI
 * driver as controller and node plugin, named like the reference driver), bound and used by a pod on node-a, raised;
 * the watcher routes it to the driver's own resize-service (the sidecar, on its own topic) which calls
 * ControllerExpandVolume with the PV's controller-expand Secret, and fs-service hands the node step to the node
 * plugin's NodeExpandVolume. The claim, its PV and its events end as Kubernetes leaves them.
 */
class CsiPipelineE2E {

    private static final String DRIVER = "hostpath.csi.k8s.io";
    private static final String TOPIC = "pvc-resize.volume-requests.hostpath.csi.k8s.io";
    private static final String DRIVER_NAMESPACE = "csi-hostpath";
    private static final String DRIVER_ACCOUNT = "csi-hostpathplugin-sa";
    private static final Duration PATIENCE = Duration.ofSeconds(90);

    @TempDir
    Path work;
    private LocalCluster cluster;
    private ClusterObjects objects;
    private CsiMockDriver driver;
    private final String secretValue = "expand-" + UUID.randomUUID();

    @BeforeEach
    void programs() {
        assumeTrue(CsiTestPrograms.runnable(), "the CSI test programs are not built and there is no Go to build them");
    }

    /** The driver with {@code flags}, the control plane, the overlay's RBAC and the three services configured for it. */
    private void start(List<String> watcherArgs, String... flags) {
        Path kubelet = work.resolve("kubelet");
        // One mock process serves both plugins here: the controller socket resize-service uses is the node plugin's.
        driver = CsiMockDriver.start(DRIVER, kubelet.resolve("plugins").resolve(DRIVER).resolve("csi.sock"), flags);
        KubeMiniCluster kube = KubeMiniCluster.shared();
        NamespacedKubernetesClient admin = kube.adminClient();
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(DRIVER_NAMESPACE).endMetadata().build())
                .serverSideApply();
        admin.serviceAccounts().inNamespace(DRIVER_NAMESPACE).resource(new ServiceAccountBuilder().withNewMetadata()
                .withName(DRIVER_ACCOUNT).endMetadata().build()).serverSideApply();
        admin.secrets().inNamespace(DRIVER_NAMESPACE).resource(new SecretBuilder().withNewMetadata().withName("expand-secret")
                .endMetadata().withStringData(Map.of("secretKey", secretValue)).build()).serverSideApply();
        kube.kubectl("apply", "-k", KubeMiniCluster.findProjectFile("deploy/overlays/csi/hostpath").toString());
        List<String> serviceArgs = new java.util.ArrayList<>(List.of(
                "--pvc-resizer.watcher.drivers=file.pvc-resizer.io," + DRIVER,
                "--pvc-resizer.watcher.request-topics.[" + DRIVER + "]=" + TOPIC,
                "--pvc-resizer.fs.csi.drivers=" + DRIVER));
        serviceArgs.addAll(watcherArgs);
        cluster = LocalCluster.start(null, work.resolve("images"), kubelet)
                .withServiceArgs(serviceArgs.toArray(String[]::new))
                .withResizeServiceArgs(
                        "--pvc-resizer.resize.csi.driver=" + DRIVER,
                        "--pvc-resizer.resize.csi.socket=" + driver.socket(),
                        "--pvc-resizer.resize.csi.kubeconfig=" + kube.serviceAccountKubeconfig(DRIVER_NAMESPACE, DRIVER_ACCOUNT),
                        "--pvc-resizer.resize.request-topic=" + TOPIC,
                        "--pvc-resizer.resize.group-id=resize-service-" + DRIVER)
                .withServices("node-a");
        objects = new ClusterObjects(cluster.client());
        objects.createStorageClass("csi-hostpath", DRIVER);
    }

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
        if (driver != null) {
            driver.close();
        }
    }

    @Test
    void shouldGrowACsiVolumeThroughTheWholePipelineAndEndAsKubernetesWould() throws Exception {
        start(List.of(), "--node-expansion-required");
        // The mock driver's volume "1" has 100 GiB.
        objects.createUnboundPair("data-csi", "pv-csi", "csi-hostpath", "100Gi", pv -> pv.editSpec().withNewCsi()
                .withDriver(DRIVER).withVolumeHandle("1").withFsType("ext4")
                .withNewControllerExpandSecretRef().withNamespace(DRIVER_NAMESPACE).withName("expand-secret").endControllerExpandSecretRef()
                .endCsi().endSpec());
        objects.awaitBound("data-csi");
        Pod pod = objects.createPod("app-csi", "data-csi", "node-a", "Running");
        // Where kubelet would have published the volume for the pod.
        Path published = cluster.kubeletRoot().resolve(Path.of("pods", pod.getMetadata().getUid(), "volumes",
                "kubernetes.io~csi", "pv-csi", "mount"));
        Files.createDirectories(published);

        objects.request("data-csi", "101Gi");

        await().atMost(PATIENCE).untilAsserted(() -> {
            assertThat(objects.capacity("data-csi")).isEqualTo(new Quantity("101Gi"));
            assertThat(objects.conditionTypes("data-csi")).isEmpty();
            assertThat(objects.claimEventReasons("data-csi"))
                    .contains("Resizing", "FileSystemResizeRequired", "FileSystemResizeSuccessful");
        });
        assertThat(objects.resizeStatus("data-csi")).isNull();
        assertThat(objects.volume("pv-csi").getSpec().getCapacity()).containsEntry("storage", new Quantity("101Gi"));
        assertThat(objects.volume("pv-csi").getMetadata().getAnnotations())
                .doesNotContainKey("volume.alpha.kubernetes.io/pre-resize-capacity");

        List<JsonNode> controller = driver.requests("/csi.v1.Controller/ControllerExpandVolume");
        assertThat(controller).hasSize(1);
        assertThat(controller.get(0).path("volume_id").asString()).isEqualTo("1");
        assertThat(controller.get(0).path("capacity_range").path("required_bytes").asLong()).isEqualTo(101L << 30);
        assertThat(controller.get(0).path("secrets").path("secretKey").asString()).isEqualTo(secretValue);
        List<JsonNode> node = driver.requests("/csi.v1.Node/NodeExpandVolume");
        assertThat(node).hasSize(1);
        assertThat(node.get(0).path("volume_path").asString()).isEqualTo(published.toString());
        assertThat(objects.events("PersistentVolumeClaim", "data-csi"))
                .allSatisfy(e -> assertThat(e.getMessage()).doesNotContain(secretValue));
    }

    @Test
    void shouldNotAskAnOfflineDriverWhileAPodUsesTheClaimAndGrowItOnceThePodIsGone() throws Exception {
        start(List.of("--pvc-resizer.watcher.offline-drivers=" + DRIVER), "--disable-online-expansion");
        objects.createUnboundPair("data-offline", "pv-offline", "csi-hostpath", "100Gi", pv -> pv.editSpec().withNewCsi()
                .withDriver(DRIVER).withVolumeHandle("2").withFsType("xfs").endCsi().endSpec());
        objects.awaitBound("data-offline");
        objects.createPod("app-offline", "data-offline", "node-a", "Running");

        objects.request("data-offline", "110Gi");

        await().atMost(PATIENCE).until(() -> objects.events("PersistentVolumeClaim", "data-offline").stream()
                .anyMatch(e -> "VolumeResizeFailed".equals(e.getReason()) && e.getMessage().contains("only supports offline expansion")));
        assertThat(objects.events("PersistentVolumeClaim", "data-offline").stream()
                .filter(e -> e.getMessage().contains("only supports offline expansion")).toList())
                .singleElement().satisfies(e -> assertThat(e.getMessage()).contains("pod app-offline"));
        assertThat(driver.requests("/csi.v1.Controller/ControllerExpandVolume")).as("not asked while in use").isEmpty();
        assertThat(objects.capacity("data-offline")).isEqualTo(new Quantity("100Gi"));

        cluster.client().pods().inNamespace(ClusterObjects.NAMESPACE).withName("app-offline").withGracePeriod(0).delete();

        await().atMost(PATIENCE).untilAsserted(() -> {
            assertThat(objects.capacity("data-offline")).isEqualTo(new Quantity("110Gi"));
            assertThat(objects.conditionTypes("data-offline")).isEmpty();
        });
        assertThat(driver.requests("/csi.v1.Controller/ControllerExpandVolume")).hasSize(1);
        assertThat(objects.volume("pv-offline").getSpec().getCapacity()).containsEntry("storage", new Quantity("110Gi"));
    }
}
