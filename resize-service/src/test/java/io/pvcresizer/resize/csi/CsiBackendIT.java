package io.pvcresizer.resize.csi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.pvcresizer.common.events.CsiVolume;
import io.pvcresizer.common.events.EventHeader;
import io.pvcresizer.common.events.FailureKind;
import io.pvcresizer.common.events.ResizeEvent;
import io.pvcresizer.common.events.SecretReference;
import io.pvcresizer.common.events.VolumeExpanded;
import io.pvcresizer.common.events.VolumeExpansionFailed;
import io.pvcresizer.common.events.VolumeExpansionRequested;
import io.pvcresizer.common.events.VolumeMode;
import io.pvcresizer.common.events.VolumeRef;
import io.pvcresizer.common.failure.Reason;
import io.pvcresizer.common.kafka.EventCodec;
import io.pvcresizer.common.testing.KubeMiniCluster;
import io.pvcresizer.common.testing.RecordingConsumer;
import io.pvcresizer.common.topics.Topics;
import io.pvcresizer.csi.CsiConnection;
import io.pvcresizer.csi.testing.CsiMockDriver;
import io.pvcresizer.csi.testing.CsiTestPrograms;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.kafka.test.utils.KafkaTestUtils;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * resize-service as the sidecar of one CSI driver: Kubernetes' mock CSI driver on a Unix socket, requests on the
 * driver's own topic, its expand Secret read from a real API server with the driver's service account and the Role of
 * {@code deploy/overlays/csi/hostpath} — and the Secret's value in no log line and no result.
 */
@SpringBootTest(properties = {
        "spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
        "pvc-resizer.kafka.partitions=1",
        "pvc-resizer.kafka.retry.initial-interval=200ms",
        "pvc-resizer.kafka.retry.max-retries=2",
        "pvc-resizer.resize.csi.driver=" + CsiBackendIT.DRIVER,
        "pvc-resizer.resize.request-topic=" + CsiBackendIT.TOPIC,
})
@EmbeddedKafka(partitions = 1)
@ExtendWith(OutputCaptureExtension.class)
class CsiBackendIT {

    static final String DRIVER = "hostpath.csi.k8s.io";
    static final String TOPIC = "pvc-resize.volume-requests.hostpath.csi.k8s.io";
    private static final String DRIVER_NAMESPACE = "csi-hostpath";
    private static final String DRIVER_ACCOUNT = "csi-hostpathplugin-sa";
    private static final String SECRET_VALUE = "expand-" + UUID.randomUUID();
    private static final long GIB = 1L << 30;

    @TempDir
    static Path dir;
    private static CsiMockDriver driver;
    private static KubeMiniCluster kube;

    @BeforeAll
    static void driverAndCluster() {
        Assumptions.assumeTrue(CsiTestPrograms.runnable(), "the CSI test programs are not built and there is no Go to build them");
        Assumptions.assumeTrue(KubeMiniCluster.runnable(), "no Kubernetes control plane here and no Go to build one");
        kube = KubeMiniCluster.shared();
        NamespacedKubernetesClient admin = kube.adminClient();
        for (String namespace : List.of(DRIVER_NAMESPACE, "apps")) {
            admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
                    .serverSideApply();
        }
        // What the driver's own installation has: its controller's service account, and an expand Secret.
        admin.serviceAccounts().inNamespace(DRIVER_NAMESPACE).resource(new ServiceAccountBuilder().withNewMetadata()
                .withName(DRIVER_ACCOUNT).endMetadata().build()).serverSideApply();
        for (String namespace : List.of(DRIVER_NAMESPACE, "apps")) {
            admin.secrets().inNamespace(namespace).resource(new SecretBuilder().withNewMetadata().withName("expand-secret")
                    .endMetadata().withStringData(Map.of("secretKey", SECRET_VALUE)).build()).serverSideApply();
        }
        // What pvc-resizer's overlay for the driver adds.
        kube.kubectl("apply", "-k", KubeMiniCluster.findProjectFile("deploy/overlays/csi/hostpath").toString());
        driver = CsiMockDriver.start(DRIVER, dir.resolve("csi.sock"));
    }

    @AfterAll
    static void stopDriver() {
        if (driver != null) {
            driver.close();
        }
    }

    @DynamicPropertySource
    static void csi(DynamicPropertyRegistry registry) {
        registry.add("pvc-resizer.resize.csi.socket", () -> dir.resolve("csi.sock").toString());
        registry.add("pvc-resizer.resize.csi.kubeconfig",
                () -> kube.serviceAccountKubeconfig(DRIVER_NAMESPACE, DRIVER_ACCOUNT).toString());
    }

    @Autowired
    private EmbeddedKafkaBroker broker;
    @Autowired
    private CsiDriverHealthIndicator health;

    private final EventCodec codec = new EventCodec();
    private KafkaProducer<String, byte[]> producer;
    private RecordingConsumer results;

    @BeforeEach
    void connect() {
        producer = new KafkaProducer<>(KafkaTestUtils.producerProps(broker), new StringSerializer(), new ByteArraySerializer());
        results = new RecordingConsumer(broker.getBrokersAsString(), List.of(Topics.VOLUME_RESULTS_NAME));
    }

    @AfterEach
    void disconnect() {
        producer.close();
        results.close();
    }

    private void send(String pv, String volumeId, long target, SecretReference secret) throws Exception {
        VolumeRef ref = new VolumeRef("apps", "claim-" + pv, UUID.randomUUID().toString(), pv);
        VolumeExpansionRequested request = new VolumeExpansionRequested(EventHeader.next("op-" + pv + "-" + target, ref), DRIVER,
                volumeId, Map.of(), VolumeMode.Filesystem, 100 * GIB, target, target / GIB + "Gi",
                new CsiVolume(List.of("ReadWriteOnce"), "ext4", List.of(), secret));
        producer.send(new ProducerRecord<>(TOPIC, pv, codec.encode(request))).get();
    }

    private <T extends ResizeEvent> T resultFor(String pv, Class<T> type) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> results.events(Topics.VOLUME_RESULTS_NAME, type).stream()
                .filter(e -> e.volume().pvName().equals(pv)).findFirst(), Optional::isPresent).orElseThrow();
    }

    @Test
    void shouldGrowTheVolumeThroughControllerExpandVolumeWithItsSecret(CapturedOutput output) throws Exception {
        send("pv-one", "1", 101 * GIB, new SecretReference(DRIVER_NAMESPACE, "expand-secret"));

        VolumeExpanded expanded = resultFor("pv-one", VolumeExpanded.class);
        assertThat(expanded.newSizeBytes()).isEqualTo(101 * GIB);
        assertThat(expanded.nodeExpansionRequired()).isFalse();
        var sent = driver.requests("/csi.v1.Controller/ControllerExpandVolume").stream()
                .filter(r -> r.path("volume_id").asString().equals("1")).toList();
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).path("secrets").path("secretKey").asString()).isEqualTo(SECRET_VALUE);
        assertThat(sent.get(0).path("volume_capability").path("AccessType").path("Mount").path("fs_type").asString())
                .isEqualTo("ext4");
        assertThat(output.getAll()).as("no secret in any log line").doesNotContain(SECRET_VALUE);
        assertThat(results.records(Topics.VOLUME_RESULTS_NAME)).allSatisfy(r ->
                assertThat(new String(r.value(), StandardCharsets.UTF_8)).doesNotContain(SECRET_VALUE));
    }

    @Test
    void shouldReportAnUnknownVolumeAsInfeasibleInTheDriversWords() throws Exception {
        send("pv-unknown", "no-such-volume", 120 * GIB, null);

        VolumeExpansionFailed failed = resultFor("pv-unknown", VolumeExpansionFailed.class);
        assertThat(failed.kind()).isEqualTo(FailureKind.INFEASIBLE);
        assertThat(failed.reason()).isEqualTo("CsiNotFound");
        assertThat(failed.message()).contains("rpc error: code = NotFound desc = no-such-volume");
    }

    @Test
    void shouldNotReadASecretOutsideTheDriversNamespace(CapturedOutput output) throws Exception {
        send("pv-elsewhere", "2", 101 * GIB, new SecretReference("apps", "expand-secret"));

        VolumeExpansionFailed failed = resultFor("pv-elsewhere", VolumeExpansionFailed.class);
        assertThat(failed.kind()).isEqualTo(FailureKind.FINAL);
        assertThat(failed.reason()).isEqualTo(Reason.SECRET_NOT_READABLE.code());
        assertThat(failed.message()).contains("apps/expand-secret", "HTTP 403");
        assertThat(driver.requests("/csi.v1.Controller/ControllerExpandVolume"))
                .noneMatch(r -> r.path("volume_id").asString().equals("2"));
        assertThat(output.getAll()).doesNotContain(SECRET_VALUE);
    }

    @Test
    void shouldBeReadyNamingTheDriverAndItsOnlineExpansion() {
        var ready = health.health();
        assertThat(ready.getStatus()).isEqualTo(Status.UP);
        assertThat(ready.getDetails()).containsEntry("driver", DRIVER).containsEntry("volumeExpansion", "ONLINE");
    }

    @Test
    void shouldNotBeReadyForADriverThatCannotExpandNamingWhatIsMissing() {
        try (CsiMockDriver plain = CsiMockDriver.start(DRIVER, dir.resolve("plain.sock"), "--disable-controller-expansion");
                CsiConnection connection = CsiConnection.open(plain.socket(), Duration.ofSeconds(5))) {
            var down = new CsiDriverHealthIndicator(DRIVER, new CsiVolumeExpander(DRIVER, connection, secret -> Map.of())).health();

            assertThat(down.getStatus()).isEqualTo(Status.DOWN);
            assertThat(down.getDetails().get("missing")).isEqualTo(List.of("controller capability EXPAND_VOLUME"));
        }
    }
}
