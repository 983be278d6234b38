package io.pvcresizer.fs.csi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pvcresizer.common.events.FilesystemExpanded;
import io.pvcresizer.common.events.FilesystemExpansionRequested;
import io.pvcresizer.common.kafka.EventCodec;
import io.pvcresizer.common.testing.RecordingConsumer;
import io.pvcresizer.common.topics.Topics;
import io.pvcresizer.csi.testing.CsiMockDriver;
import io.pvcresizer.csi.testing.CsiTestPrograms;
import io.pvcresizer.fs.testing.TestRequests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.kafka.test.utils.KafkaTestUtils;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * fs-service handing the node step to a CSI node plugin that grows volumes itself: Kubernetes' mock CSI driver as the
 * node plugin, on its socket under the kubelet plugins directory, asked {@code NodeExpandVolume} with the paths kubelet
 * uses.
 */
@SpringBootTest(properties = {
        "spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
        "pvc-resizer.fs.node-name=node-a",
        "pvc-resizer.fs.csi.drivers=" + CsiNodeExpansionIT.DRIVER,
        "pvc-resizer.kafka.partitions=1",
        "pvc-resizer.kafka.retry.initial-interval=100ms",
        "pvc-resizer.kafka.retry.max-retries=20"})
@EmbeddedKafka(partitions = 1)
class CsiNodeExpansionIT {

    static final String DRIVER = "hostpath.csi.k8s.io";
    private static final long GIB = 1L << 30;
    private static Path kubelet;
    private static CsiMockDriver plugin;

    @BeforeAll
    static void nodePlugin() throws IOException {
        Assumptions.assumeTrue(CsiTestPrograms.runnable(), "the CSI test programs are not built and there is no Go to build them");
        kubelet = Files.createTempDirectory("kubelet-");
        plugin = CsiMockDriver.start(DRIVER, kubelet.resolve("plugins").resolve(DRIVER).resolve("csi.sock"),
                "--node-expansion-required");
    }

    @AfterAll
    static void stopPlugin() {
        if (plugin != null) {
            plugin.close();
        }
    }

    @DynamicPropertySource
    static void kubeletRoot(DynamicPropertyRegistry registry) {
        registry.add("pvc-resizer.fs.kubelet-root", () -> kubelet.toString());
    }

    @Autowired
    private EmbeddedKafkaBroker broker;

    @Test
    void shouldAskTheNodePluginToExpandWithThePodsPublishPath() throws Exception {
        String podUid = UUID.randomUUID().toString();
        // The mock driver keeps volume "2"; kubelet would have published it for the pod here.
        Path published = kubelet.resolve(Path.of("pods", podUid, "volumes", "kubernetes.io~csi", "pv-csi", "mount"));
        FilesystemExpansionRequested request = TestRequests.forNode("node-a").pv("pv-csi").podUid(podUid).fsType("ext4")
                .csi(DRIVER, "2").target(120 * GIB).build();
        // Not published yet: transient, retried until it is.
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KafkaTestUtils.producerProps(broker),
                new StringSerializer(), new ByteArraySerializer());
                RecordingConsumer results = new RecordingConsumer(broker.getBrokersAsString(), List.of(Topics.NODE_RESULTS_NAME))) {
            producer.send(new ProducerRecord<>(Topics.NODE_REQUESTS_NAME, "node-a", new EventCodec().encode(request))).get();
            Files.createDirectories(published);

            FilesystemExpanded expanded = await().atMost(Duration.ofSeconds(30))
                    .until(() -> results.events(Topics.NODE_RESULTS_NAME, FilesystemExpanded.class).stream()
                            .filter(e -> e.volume().pvName().equals("pv-csi")).findFirst(), Optional::isPresent).orElseThrow();

            assertThat(expanded.filesystemBytes()).isEqualTo(120 * GIB);
            JsonNode call = plugin.requests("/csi.v1.Node/NodeExpandVolume").get(0);
            assertThat(call.path("volume_id").asString()).isEqualTo("2");
            assertThat(call.path("volume_path").asString()).isEqualTo(published.toString());
            assertThat(call.path("capacity_range").path("required_bytes").asLong()).isEqualTo(120 * GIB);
            assertThat(call.path("volume_capability").path("AccessType").path("Mount").path("fs_type").asString()).isEqualTo("ext4");
        }
    }
}
