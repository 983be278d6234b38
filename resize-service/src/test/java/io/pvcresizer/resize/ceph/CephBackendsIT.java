package io.pvcresizer.resize.ceph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.pvcresizer.common.events.EventHeader;
import io.pvcresizer.common.events.FailureKind;
import io.pvcresizer.common.events.VolumeExpanded;
import io.pvcresizer.common.events.VolumeExpansionFailed;
import io.pvcresizer.common.events.VolumeExpansionRequested;
import io.pvcresizer.common.events.VolumeMode;
import io.pvcresizer.common.events.VolumeRef;
import io.pvcresizer.common.kafka.EventCodec;
import io.pvcresizer.common.testing.CephMiniCluster;
import io.pvcresizer.common.testing.RecordingConsumer;
import io.pvcresizer.common.topics.Topics;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.kafka.test.utils.KafkaTestUtils;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * resize-service against a real single-node Ceph cluster and a real KRaft broker: RBD images and CephFS subvolumes
 * grown through Kafka requests, a missing image refused with the tool's own words, a cluster outage ridden out by
 * retries and the circuit breaker, and no key material in any log line.
 */
@SpringBootTest(properties = {
        "spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
        "pvc-resizer.kafka.partitions=1",
        "pvc-resizer.kafka.retry.initial-interval=500ms",
        "pvc-resizer.kafka.retry.max-interval=2s",
        "pvc-resizer.kafka.retry.max-retries=40",
        "pvc-resizer.resize.ceph.connect-timeout=3s",
        "pvc-resizer.resize.ceph.command-timeout=20s",
        "pvc-resizer.resize.ceph.circuit-breaker.sliding-window-size=2",
        "pvc-resizer.resize.ceph.circuit-breaker.wait-in-open-state=4s"
})
@EmbeddedKafka(partitions = 1)
@ExtendWith(OutputCaptureExtension.class)
class CephBackendsIT {

    private static final long MI = 1024L * 1024;
    private static final String CLUSTER = "minicluster";
    private static CephMiniCluster ceph;

    @BeforeAll
    static void cluster() {
        Assumptions.assumeTrue(CephMiniCluster.available(), "needs root and the Ceph packages");
        ceph = CephMiniCluster.shared();
    }

    @DynamicPropertySource
    static void cephProperties(DynamicPropertyRegistry registry) {
        registry.add("pvc-resizer.resize.ceph.clusters." + CLUSTER + ".conf", () -> ceph.confPath().toString());
        registry.add("pvc-resizer.resize.ceph.clusters." + CLUSTER + ".keyring", () -> ceph.keyringPath().toString());
    }

    @Autowired
    private EmbeddedKafkaBroker broker;
    @Autowired
    private CircuitBreakerRegistry breakers;
    @Autowired
    private io.micrometer.core.instrument.MeterRegistry meters;

    private final EventCodec codec = new EventCodec();
    private KafkaProducer<String, byte[]> producer;
    private RecordingConsumer recorder;

    @BeforeEach
    void connect() {
        producer = new KafkaProducer<>(KafkaTestUtils.producerProps(broker), new StringSerializer(), new ByteArraySerializer());
        recorder = new RecordingConsumer(broker.getBrokersAsString(), List.of(Topics.VOLUME_RESULTS_NAME));
    }

    @AfterEach
    void disconnect() {
        producer.close();
        recorder.close();
    }

    private VolumeExpansionRequested request(String pv, String driver, Map<String, String> attributes, long from, long to) {
        VolumeRef ref = new VolumeRef("default", "claim-" + pv, UUID.randomUUID().toString(), pv);
        return new VolumeExpansionRequested(EventHeader.next("op-" + pv + "-" + to, ref), driver, pv, attributes,
                VolumeMode.Filesystem, from, to, Long.toString(to));
    }

    private void send(VolumeExpansionRequested request) throws Exception {
        producer.send(new ProducerRecord<>(Topics.VOLUME_REQUESTS_NAME, request.volume().pvName(), codec.encode(request))).get();
    }

    private <T extends io.pvcresizer.common.events.ResizeEvent> T resultFor(String pv, Class<T> type, Duration patience) {
        return await().atMost(patience).until(() -> recorder.events(Topics.VOLUME_RESULTS_NAME, type).stream()
                .filter(e -> e.volume().pvName().equals(pv)).findFirst(), java.util.Optional::isPresent).orElseThrow();
    }

    private static long rbdSize(String image) {
        String json = ceph.rbd("info", "--format", "json", "rbd/" + image);
        return Long.parseLong(json.replaceAll("(?s).*\"size\":(\\d+).*", "$1"));
    }

    @Test
    void shouldGrowAnRbdImageThroughAKafkaRequest(CapturedOutput output) throws Exception {
        String image = "it-grow-" + UUID.randomUUID().toString().substring(0, 8);
        ceph.rbd("create", "rbd/" + image, "--size", "320M");

        send(request("pv-" + image, "rbd.csi.ceph.com", Map.of("clusterID", CLUSTER, "pool", "rbd", "imageName", image),
                320 * MI, 640 * MI));

        VolumeExpanded expanded = resultFor("pv-" + image, VolumeExpanded.class, Duration.ofSeconds(60));
        assertThat(expanded.newSizeBytes()).isEqualTo(640 * MI);
        assertThat(expanded.nodeExpansionRequired()).isTrue();
        assertThat(rbdSize(image)).as("rbd info after the resize").isEqualTo(640 * MI);
        String key = Files.readString(ceph.keyringPath()).replaceAll("(?s).*key\\s*=\\s*(\\S+).*", "$1");
        assertThat(key).isNotBlank();
        assertThat(output.getAll()).as("no key material in any log line").doesNotContain(key);
    }

    @Test
    void shouldRefuseAMissingImageWithTheToolsMessage() throws Exception {
        send(request("pv-missing", "rbd.csi.ceph.com", Map.of("clusterID", CLUSTER, "pool", "rbd", "imageName", "no-such-image"),
                320 * MI, 640 * MI));

        VolumeExpansionFailed failed = resultFor("pv-missing", VolumeExpansionFailed.class, Duration.ofSeconds(60));
        assertThat(failed.kind()).isEqualTo(FailureKind.INFEASIBLE);
        assertThat(failed.reason()).isEqualTo("VolumeNotFound");
        assertThat(failed.message()).contains("rbd: error opening image no-such-image: (2) No such file or directory");
    }

    @Test
    void shouldRaiseACephFsSubvolumeQuota() throws Exception {
        // As ceph-csi provisions: in its default group csi, which the PV's attributes do not name.
        String subvolume = "it-sub-" + UUID.randomUUID().toString().substring(0, 8);
        ceph.ceph("fs", "subvolumegroup", "create", "cephfs", "csi");
        ceph.ceph("fs", "subvolume", "create", "cephfs", subvolume, "--size", Long.toString(100 * MI), "--group_name", "csi");

        send(request("pv-" + subvolume, "cephfs.csi.ceph.com",
                Map.of("clusterID", CLUSTER, "fsName", "cephfs", "subvolumeName", subvolume), 100 * MI, 200 * MI));

        VolumeExpanded expanded = resultFor("pv-" + subvolume, VolumeExpanded.class, Duration.ofSeconds(60));
        assertThat(expanded.newSizeBytes()).isEqualTo(200 * MI);
        assertThat(expanded.nodeExpansionRequired()).as("CephFS needs no node step").isFalse();
        assertThat(ceph.ceph("fs", "subvolume", "info", "cephfs", subvolume, "--group_name", "csi", "--format", "json"))
                .contains("\"bytes_quota\": " + 200 * MI);
    }

    @Test
    void shouldTakeTheSubvolumeGroupFromTheSubvolumePath() throws Exception {
        // A group of its own (a ceph-csi config map naming another): the path shows it, no attribute names it.
        String subvolume = "csi-vol-" + UUID.randomUUID().toString().substring(0, 8);
        ceph.ceph("fs", "subvolumegroup", "create", "cephfs", "team-a");
        ceph.ceph("fs", "subvolume", "create", "cephfs", subvolume, "--size", Long.toString(100 * MI), "--group_name", "team-a");
        String path = ceph.ceph("fs", "subvolume", "getpath", "cephfs", subvolume, "--group_name", "team-a").strip();

        send(request("pv-" + subvolume, "cephfs.csi.ceph.com", Map.of("clusterID", CLUSTER, "fsName", "cephfs",
                "subvolumeName", subvolume, "subvolumePath", path), 100 * MI, 300 * MI));

        VolumeExpanded expanded = resultFor("pv-" + subvolume, VolumeExpanded.class, Duration.ofSeconds(60));
        assertThat(expanded.newSizeBytes()).isEqualTo(300 * MI);
        assertThat(ceph.ceph("fs", "subvolume", "info", "cephfs", subvolume, "--group_name", "team-a", "--format", "json"))
                .contains("\"bytes_quota\": " + 300 * MI);
    }

    @Test
    void shouldGrowAStaticVolumeByItsRootPathOnItsOwnClusterAndFilesystem() throws Exception {
        String subvolume = "static-" + UUID.randomUUID().toString().substring(0, 8);
        ceph.ceph("fs", "subvolumegroup", "create", "cephfs", "csi");
        ceph.ceph("fs", "subvolume", "create", "cephfs", subvolume, "--size", Long.toString(100 * MI), "--group_name", "csi");
        String rootPath = ceph.ceph("fs", "subvolume", "getpath", "cephfs", subvolume, "--group_name", "csi").strip();

        send(request("pv-" + subvolume, "cephfs.csi.ceph.com", Map.of("clusterID", CLUSTER, "fsName", "cephfs",
                "staticVolume", "true", "rootPath", rootPath), 100 * MI, 250 * MI));

        VolumeExpanded expanded = resultFor("pv-" + subvolume, VolumeExpanded.class, Duration.ofSeconds(60));
        assertThat(expanded.newSizeBytes()).isEqualTo(250 * MI);
        assertThat(ceph.ceph("fs", "subvolume", "info", "cephfs", subvolume, "--group_name", "csi", "--format", "json"))
                .contains("\"bytes_quota\": " + 250 * MI);
    }

    @Test
    void shouldRefuseAStaticVolumeWhoseRootPathIsNoSubvolume() throws Exception {
        send(request("pv-static-dir", "cephfs.csi.ceph.com", Map.of("clusterID", CLUSTER, "fsName", "cephfs",
                "staticVolume", "true", "rootPath", "/shared/team-a"), 100 * MI, 250 * MI));

        VolumeExpansionFailed failed = resultFor("pv-static-dir", VolumeExpansionFailed.class, Duration.ofSeconds(60));
        assertThat(failed.kind()).isEqualTo(FailureKind.INFEASIBLE);
        assertThat(failed.reason()).isEqualTo("StaticVolumeNotASubvolume");
        assertThat(failed.message()).contains("/shared/team-a", "quota-xattr");
    }

    @Test
    void shouldRideOutAClusterOutageAndFinishTheResizeWhenItIsBack() throws Exception {
        String image = "it-outage-" + UUID.randomUUID().toString().substring(0, 8);
        ceph.rbd("create", "rbd/" + image, "--size", "320M");
        CircuitBreaker breaker = breakers.circuitBreaker(CephCli.breakerName(CLUSTER));

        ceph.stopDaemons("mon.a");
        try {
            send(request("pv-" + image, "rbd.csi.ceph.com", Map.of("clusterID", CLUSTER, "pool", "rbd", "imageName", image),
                    320 * MI, 512 * MI));
            await().atMost(Duration.ofSeconds(60)).until(() -> breaker.getState() == CircuitBreaker.State.OPEN);
            assertThat(recorder.events(Topics.VOLUME_RESULTS_NAME, VolumeExpanded.class)).noneMatch(e -> e.volume().pvName().equals("pv-" + image));
        } finally {
            ceph.startDaemons("mon.a");
        }

        VolumeExpanded expanded = resultFor("pv-" + image, VolumeExpanded.class, Duration.ofSeconds(120));
        assertThat(expanded.newSizeBytes()).isEqualTo(512 * MI);
        assertThat(rbdSize(image)).isEqualTo(512 * MI);
        await().atMost(Duration.ofSeconds(30)).until(() -> breaker.getState() == CircuitBreaker.State.CLOSED);
        assertThat(meters.find("resilience4j.circuitbreaker.state").tag("name", CephCli.breakerName(CLUSTER)).gauges())
                .as("the breaker's state is exported").isNotEmpty();
    }
}
