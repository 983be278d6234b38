package io.pvcresizer.fs.listener;

import static io.pvcresizer.common.testing.LoopVolume.assumeLoopDevices;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.pvcresizer.common.events.FailureKind;
import io.pvcresizer.common.events.FilesystemExpanded;
import io.pvcresizer.common.events.FilesystemExpansionFailed;
import io.pvcresizer.common.events.FilesystemExpansionRequested;
import io.pvcresizer.common.events.ResizeEvent;
import io.pvcresizer.common.kafka.DeadLetterHeaders;
import io.pvcresizer.common.kafka.EventCodec;
import io.pvcresizer.common.testing.LoopVolume;
import io.pvcresizer.common.topics.Topics;
import io.pvcresizer.fs.testing.TestRequests;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * fs-service as a whole against an in-process Kafka broker: this node's requests grow real volumes and are answered on
 * {@code pvc-resize.node-results}; other nodes' requests are skipped; poison records are dead-lettered and consumption
 * goes on; transient failures are reported once their retries run out.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
        "pvc-resizer.fs.node-name=node-a",
        // Each attempt on a volume that is not here waits this long for its mount; 3 attempts must fit in WAIT.
        "pvc-resizer.fs.mount-wait=1s",
        "pvc-resizer.kafka.partitions=1",
        "pvc-resizer.kafka.retry.initial-interval=50ms",
        "pvc-resizer.kafka.retry.max-retries=2"})
@EmbeddedKafka(partitions = 1)
class NodeRequestListenerIT {

    private static final long MIB = 1024L * 1024L;
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Path ROOT = createTempRoot();

    @DynamicPropertySource
    static void nodeDirectories(DynamicPropertyRegistry registry) {
        registry.add("pvc-resizer.fs.kubelet-root", () -> ROOT.resolve("kubelet").toString());
        registry.add("pvc-resizer.fs.local-file.image-dir", () -> ROOT.resolve("images").toString());
    }

    @Autowired
    private KafkaTemplate<String, Object> kafkaTemplate;

    @Autowired
    private EmbeddedKafkaBroker broker;

    @Autowired
    private MeterRegistry meterRegistry;

    @LocalServerPort
    private int port;

    private final EventCodec codec = new EventCodec();
    private final List<ConsumerRecord<String, byte[]>> seen = new CopyOnWriteArrayList<>();
    private final List<LoopVolume> volumes = new ArrayList<>();
    private KafkaConsumer<String, byte[]> consumer;

    @BeforeEach
    void readResultsAndDeadLetters() {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString(),
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(Topics.NODE_RESULTS_NAME, Topics.NODE_REQUESTS.deadLetterName()));
    }

    @AfterEach
    void closeEverything() {
        consumer.close();
        volumes.forEach(LoopVolume::close);
    }

    @AfterAll
    static void removeDirectories() throws IOException {
        try (var paths = Files.walk(ROOT)) {
            paths.sorted((a, b) -> b.compareTo(a)).forEach(path -> path.toFile().delete());
        }
    }

    @Test
    void shouldRescanTheLoopDeviceOfAFileBackedBlockVolumeSoItsPodSeesTheNewSize() throws IOException {
        assumeLoopDevices("mkfs.ext4", "blockdev");
        Files.createDirectories(ROOT.resolve("images"));
        LoopVolume volume = LoopVolume.create(ROOT.resolve("images").resolve("pv-raw.img"), 64 * MIB, "ext4");
        volumes.add(volume);
        volume.growImage(128 * MIB);
        assertThat(LoopVolume.run("blockdev", "--getsize64", volume.device()).stdout().strip())
                .as("the loop device before: still the old size").isEqualTo(Long.toString(64 * MIB));
        FilesystemExpansionRequested request = TestRequests.forNode("node-a").pv("pv-raw").localFile("pv-raw.img").block()
                .target(128 * MIB).build();

        send("node-a", request);

        assertThat(codec.decode(awaitResult(request.operationId()).value())).isInstanceOf(FilesystemExpanded.class);
        assertThat(LoopVolume.run("blockdev", "--getsize64", volume.device()).stdout().strip()).isEqualTo(Long.toString(128 * MIB));
    }

    @Test
    void shouldGrowTheMountedXfsOfThisNodeAndPublishFilesystemExpanded() throws IOException {
        assumeLoopDevices("mkfs.xfs", "xfs_growfs", "blockdev");
        String podUid = UUID.randomUUID().toString();
        Path mountPoint = ROOT.resolve(Path.of("kubelet", "pods", podUid, "volumes", "kubernetes.io~csi", "pv-it-xfs", "mount"));
        LoopVolume volume = LoopVolume.create(ROOT.resolve("xfs-it.img"), 320 * MIB, "xfs");
        volumes.add(volume);
        volume.mountAt(mountPoint);
        volume.growImage(640 * MIB);
        FilesystemExpansionRequested request = TestRequests.forNode("node-a").pv("pv-it-xfs").podUid(podUid)
                .fsType("xfs").target(640 * MIB).build();

        send("node-a", request);

        ConsumerRecord<String, byte[]> result = awaitResult(request.operationId());
        long measured = statfs(mountPoint);
        assertThat(result.key()).isEqualTo("node-a");
        assertThat(codec.decode(result.value())).isInstanceOfSatisfying(FilesystemExpanded.class, expanded -> {
            assertThat(expanded.nodeName()).isEqualTo("node-a");
            assertThat(expanded.targetBytes()).isEqualTo(640 * MIB);
            assertThat(expanded.fsType()).isEqualTo("xfs");
            assertThat(expanded.online()).isTrue();
            assertThat(expanded.filesystemBytes()).isGreaterThan(600_000_000L).isEqualTo(measured);
            assertThat(expanded.header().volume()).isEqualTo(request.volume());
        });
    }

    @Test
    void shouldSkipARequestKeyedForAnotherNode() {
        double skippedBefore = skippedCount();
        FilesystemExpansionRequested forNodeB = TestRequests.forNode("node-b").pv("pv-b").build();
        FilesystemExpansionRequested forNodeA = TestRequests.forNode("node-a").pv("pv-a-block").block().build();

        send("node-b", forNodeB);
        send("node-a", forNodeA);

        // One partition, read in order: once node-a's later request is answered, node-b's has been read.
        assertThat(codec.decode(awaitResult(forNodeA.operationId()).value())).isInstanceOf(FilesystemExpanded.class);
        assertThat(resultOf(forNodeB.operationId())).isEmpty();
        assertThat(skippedCount()).isGreaterThan(skippedBefore);
    }

    @Test
    void shouldDeadLetterAPoisonRecordAndKeepConsuming() {
        byte[] poison = "{\"type\": \"FilesystemExpansionRequested\", \"header\": ".getBytes(StandardCharsets.UTF_8);
        FilesystemExpansionRequested next = TestRequests.forNode("node-a").pv("pv-after-poison").block().build();

        send("node-a", poison);
        send("node-a", next);

        ConsumerRecord<String, byte[]> deadLetter = await().atMost(WAIT).until(
                () -> poll().stream().filter(r -> r.topic().equals(Topics.NODE_REQUESTS.deadLetterName()))
                        .filter(r -> Arrays.equals(r.value(), poison)).findFirst(), Optional::isPresent).orElseThrow();
        assertThat(header(deadLetter, DeadLetterHeaders.REASON)).isEqualTo("malformed-record");
        assertThat(header(deadLetter, DeadLetterHeaders.SERVICE)).isEqualTo("fs-service");
        assertThat(deadLetter.key()).isEqualTo("node-a");
        assertThat(codec.decode(awaitResult(next.operationId()).value())).isInstanceOf(FilesystemExpanded.class);
    }

    @Test
    void shouldReportAVolumeMissingFromThisNodeOnceRetriesRunOut() {
        FilesystemExpansionRequested missing = TestRequests.forNode("node-a").pv("pv-not-here").fsType("xfs").build();

        send("node-a", missing);

        assertThat(codec.decode(awaitResult(missing.operationId()).value()))
                .isInstanceOfSatisfying(FilesystemExpansionFailed.class, failed -> {
                    assertThat(failed.kind()).isEqualTo(FailureKind.TRANSIENT);
                    assertThat(failed.reason()).isEqualTo("VolumeNotOnNode");
                    assertThat(failed.message()).contains("pv-not-here");
                });
        ConsumerRecord<String, byte[]> deadLetter = await().atMost(WAIT).until(
                () -> poll().stream().filter(r -> r.topic().equals(Topics.NODE_REQUESTS.deadLetterName()))
                        .filter(r -> isRequest(r, missing.operationId())).findFirst(), Optional::isPresent).orElseThrow();
        assertThat(header(deadLetter, DeadLetterHeaders.REASON)).isEqualTo("retries-exhausted");
        assertThat(header(deadLetter, DeadLetterHeaders.FAILURE_REASON)).isEqualTo("VolumeNotOnNode");
    }

    @Test
    void shouldExposeHealthOnTheActuator() throws IOException, InterruptedException {
        HttpResponse<String> health = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\":\"UP\"");
    }

    private void send(String key, Object value) {
        kafkaTemplate.send(Topics.NODE_REQUESTS_NAME, key, value).join();
    }

    private ConsumerRecord<String, byte[]> awaitResult(String operationId) {
        return await().atMost(WAIT).until(() -> {
            poll();
            return resultOf(operationId);
        }, Optional::isPresent).orElseThrow();
    }

    private Optional<ConsumerRecord<String, byte[]>> resultOf(String operationId) {
        return seen.stream()
                .filter(r -> r.topic().equals(Topics.NODE_RESULTS_NAME))
                .filter(r -> codec.decode(r.value()).operationId().equals(operationId))
                .findFirst();
    }

    private List<ConsumerRecord<String, byte[]>> poll() {
        consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
        return seen;
    }

    private boolean isRequest(ConsumerRecord<String, byte[]> record, String operationId) {
        try {
            ResizeEvent event = codec.decode(record.value());
            return event.operationId().equals(operationId);
        } catch (RuntimeException notAnEvent) {
            return false;
        }
    }

    private double skippedCount() {
        return meterRegistry.get("pvc.resizer.node.requests.skipped").counter().count();
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static long statfs(Path mountPoint) throws IOException {
        return Files.getFileStore(mountPoint).getTotalSpace();
    }

    private static Path createTempRoot() {
        try {
            Path root = Files.createTempDirectory("fs-service-it");
            Files.createDirectories(root.resolve("kubelet"));
            Files.createDirectories(root.resolve("images"));
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
