package io.pvcresizer.resize.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.pvcresizer.common.events.FailureKind;
import io.pvcresizer.common.events.ResizeEvent;
import io.pvcresizer.common.events.VolumeExpanded;
import io.pvcresizer.common.events.VolumeExpansionFailed;
import io.pvcresizer.common.events.VolumeExpansionRequested;
import io.pvcresizer.common.failure.Reason;
import io.pvcresizer.common.failure.ResizeException;
import io.pvcresizer.common.kafka.DeadLetterHeaders;
import io.pvcresizer.common.kafka.EventCodec;
import io.pvcresizer.common.topics.Topics;
import io.pvcresizer.resize.TestRequests;
import io.pvcresizer.resize.expansion.ExpansionMetrics;
import io.pvcresizer.resize.expansion.FakeVolumeExpander;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.kafka.test.utils.KafkaTestUtils;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * resize-service against a real (embedded, KRaft) Kafka broker and real sparse image files: requests in, results and
 * dead letters out. All topics have one partition, so records are handled in the order they are sent.
 */
@SpringBootTest(properties = {
        "spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
        "pvc-resizer.kafka.partitions=1",
        "pvc-resizer.kafka.retry.initial-interval=50ms",
        "pvc-resizer.kafka.retry.max-interval=200ms",
        "pvc-resizer.kafka.retry.max-retries=2",
        "pvc-resizer.resize.publish-timeout=10s",
        "pvc-resizer.resize.guard.retry.wait-duration=10ms",
        "pvc-resizer.resize.drivers[file.pvc-resizer.io]=local-file",
        "pvc-resizer.resize.drivers[busy.test.pvc-resizer.io]=" + VolumeRequestListenerIT.BUSY_BACKEND
})
@EmbeddedKafka(partitions = 1)
class VolumeRequestListenerIT {

    static final String BUSY_BACKEND = "always-busy";
    private static final String BUSY_DRIVER = "busy.test.pvc-resizer.io";
    private static final String GROUP = "resize-service";
    private static final long MIB = 1024L * 1024L;
    private static final Path IMAGE_DIR = temporaryImageDir();

    @DynamicPropertySource
    static void imageDir(DynamicPropertyRegistry registry) {
        registry.add("pvc-resizer.resize.local-file.image-dir", IMAGE_DIR::toString);
    }

    /** A backend whose every call fails transiently, as a Ceph cluster answering EBUSY would. */
    @TestConfiguration(proxyBeanMethods = false)
    static class BusyBackend {
        @Bean
        FakeVolumeExpander alwaysBusyExpander() {
            return new FakeVolumeExpander(BUSY_BACKEND, request -> {
                throw new ResizeException(Reason.BACKEND_BUSY, "image is locked by another client (EBUSY)", null);
            });
        }
    }

    @Autowired
    private EmbeddedKafkaBroker broker;
    @Autowired
    private FakeVolumeExpander alwaysBusyExpander;
    @Autowired
    private MeterRegistry meters;

    private final EventCodec codec = new EventCodec();
    private KafkaProducer<String, byte[]> producer;
    private TopicReader results;
    private TopicReader deadLetters;

    @BeforeEach
    void connect() {
        producer = new KafkaProducer<>(KafkaTestUtils.producerProps(broker), new StringSerializer(),
                new ByteArraySerializer());
        results = new TopicReader(broker, Topics.VOLUME_RESULTS.name());
        deadLetters = new TopicReader(broker, Topics.VOLUME_REQUESTS.deadLetterName());
    }

    @AfterEach
    void disconnect() {
        producer.close();
        results.close();
        deadLetters.close();
    }

    @AfterAll
    static void deleteImages() throws IOException {
        try (Stream<Path> files = Files.walk(IMAGE_DIR)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    @Test
    void shouldGrowImageAndPublishVolumeExpandedKeyedByPvName() throws Exception {
        String pv = unique("pv-grow");
        Path image = sparseImage(pv, 320 * MIB);
        VolumeExpansionRequested request = TestRequests.forVolume(pv).from("320Mi").to("640Mi").build();

        send(pv, codec.encode(request));

        ConsumerRecord<String, byte[]> result = results.awaitRecord(record -> pv.equals(record.key()));
        assertThat(decode(result)).isInstanceOfSatisfying(VolumeExpanded.class, expanded -> {
            assertThat(expanded.newSizeBytes()).isEqualTo(640 * MIB);
            assertThat(expanded.targetBytes()).isEqualTo(640 * MIB);
            assertThat(expanded.nodeExpansionRequired()).isTrue();
            assertThat(expanded.operationId()).isEqualTo(request.operationId());
            assertThat(expanded.volume()).isEqualTo(request.volume());
        });
        assertThat(Files.size(image)).isEqualTo(640 * MIB);
        assertThat(meters.get(ExpansionMetrics.EXPANSIONS).tag("backend", "local-file").tag("outcome", "expanded")
                .counter().count()).isPositive();
        assertThat(meters.get("resilience4j.bulkhead.max.allowed.concurrent.calls").tag("name", "local-file")
                .gauge().value()).as("the guard's default limit").isEqualTo(4.0);
    }

    @Test
    void shouldDeadLetterMalformedRecordAndKeepConsuming() throws Exception {
        String poisonKey = unique("pv-poison");
        byte[] poison = "{not json".getBytes(StandardCharsets.UTF_8);
        String pv = unique("pv-after-poison");
        sparseImage(pv, 320 * MIB);

        send(poisonKey, poison);
        send(pv, codec.encode(TestRequests.forVolume(pv).from("320Mi").to("640Mi").build()));

        ConsumerRecord<String, byte[]> dead = deadLetters.awaitRecord(record -> poisonKey.equals(record.key()));
        assertThat(dead.value()).isEqualTo(poison);
        assertThat(header(dead, DeadLetterHeaders.REASON)).isEqualTo("malformed-record");
        // spring-kafka writes the DeserializationException's own text ("failed to deserialize") as the message and
        // its class as the cause; the decoder's precise reason is only in the stack trace.
        assertThat(header(dead, KafkaHeaders.DLT_EXCEPTION_MESSAGE)).isEqualTo("failed to deserialize");
        assertThat(header(dead, KafkaHeaders.DLT_EXCEPTION_STACKTRACE)).contains("not valid JSON");
        assertThat(header(dead, KafkaHeaders.DLT_ORIGINAL_TOPIC)).isEqualTo(Topics.VOLUME_REQUESTS_NAME);
        assertThat(decode(results.awaitRecord(record -> pv.equals(record.key())))).isInstanceOf(VolumeExpanded.class);
    }

    @Test
    void shouldDeadLetterARecordNearTheSizeLimitTruncatedAndKeepConsuming() throws Exception {
        String poisonKey = unique("pv-huge");
        byte[] huge = new byte[1024 * 1024 - 512];
        java.util.Arrays.fill(huge, (byte) 'x');
        huge[0] = '{';
        String pv = unique("pv-after-huge");
        sparseImage(pv, 320 * MIB);

        send(poisonKey, huge);
        send(pv, codec.encode(TestRequests.forVolume(pv).from("320Mi").to("640Mi").build()));

        // The whole value plus the dead-letter headers is above the broker's limit: a truncated dead letter instead.
        ConsumerRecord<String, byte[]> dead = deadLetters.awaitRecord(record -> poisonKey.equals(record.key()));
        assertThat(header(dead, DeadLetterHeaders.REASON)).isEqualTo("malformed-record");
        assertThat(header(dead, DeadLetterHeaders.TRUNCATED)).isEqualTo(Integer.toString(huge.length));
        assertThat(header(dead, KafkaHeaders.DLT_ORIGINAL_TOPIC)).isEqualTo(Topics.VOLUME_REQUESTS_NAME);
        assertThat(dead.value()).hasSize(64 * 1024).startsWith((byte) '{', (byte) 'x');
        assertThat(decode(results.awaitRecord(record -> pv.equals(record.key())))).isInstanceOf(VolumeExpanded.class);
    }

    @Test
    void shouldDeadLetterUnknownEventType() throws Exception {
        String key = unique("pv-bogus");
        byte[] bogus = "{\"type\":\"Bogus\",\"header\":{\"schemaVersion\":1}}".getBytes(StandardCharsets.UTF_8);

        send(key, bogus);

        ConsumerRecord<String, byte[]> dead = deadLetters.awaitRecord(record -> key.equals(record.key()));
        assertThat(header(dead, DeadLetterHeaders.REASON)).isEqualTo("unknown-event-type");
        assertThat(dead.value()).isEqualTo(bogus);
    }

    @Test
    void shouldDeadLetterUnsupportedSchemaVersion() throws Exception {
        String pv = unique("pv-future");
        String current = new String(codec.encode(TestRequests.forVolume(pv).build()), StandardCharsets.UTF_8);
        String future = current.replace("\"schemaVersion\":1", "\"schemaVersion\":99");
        assertThat(future).isNotEqualTo(current);

        send(pv, future.getBytes(StandardCharsets.UTF_8));

        ConsumerRecord<String, byte[]> dead = deadLetters.awaitRecord(record -> pv.equals(record.key()));
        assertThat(header(dead, DeadLetterHeaders.REASON)).isEqualTo("unsupported-schema-version");
        assertThat(header(dead, KafkaHeaders.DLT_EXCEPTION_STACKTRACE)).contains("schema version 99");
    }

    @Test
    void shouldReportMissingImageAsInfeasibleWithoutDeadLetter() throws Exception {
        String pv = unique("pv-missing");

        long offset = send(pv, codec.encode(TestRequests.forVolume(pv).to("640Mi").build()));

        assertThat(decode(results.awaitRecord(record -> pv.equals(record.key()))))
                .isInstanceOfSatisfying(VolumeExpansionFailed.class, failed -> {
                    assertThat(failed.kind()).isEqualTo(FailureKind.INFEASIBLE);
                    assertThat(failed.reason()).isEqualTo("VolumeNotFound");
                });
        awaitCommittedPast(offset);
        assertThat(deadLetters.readToEnd()).noneMatch(record -> pv.equals(record.key()));
        assertThat(IMAGE_DIR.resolve(pv)).doesNotExist();
    }

    @Test
    void shouldRetryTransientFailureThenReportItAndDeadLetterRecord() throws Exception {
        String pv = unique("pv-busy");
        VolumeExpansionRequested request = TestRequests.forVolume(pv).withDriver(BUSY_DRIVER).to("640Mi").build();

        send(pv, codec.encode(request));

        assertThat(decode(results.awaitRecord(record -> pv.equals(record.key()))))
                .isInstanceOfSatisfying(VolumeExpansionFailed.class, failed -> {
                    assertThat(failed.kind()).isEqualTo(FailureKind.TRANSIENT);
                    assertThat(failed.reason()).isEqualTo("BackendBusy");
                    assertThat(failed.message()).contains("EBUSY");
                    assertThat(failed.operationId()).isEqualTo(request.operationId());
                });
        ConsumerRecord<String, byte[]> dead = deadLetters.awaitRecord(record -> pv.equals(record.key()));
        assertThat(header(dead, DeadLetterHeaders.REASON)).isEqualTo("retries-exhausted");
        assertThat(header(dead, DeadLetterHeaders.FAILURE_REASON)).isEqualTo("BackendBusy");
        assertThat(decode(dead)).isEqualTo(request);
        assertThat(alwaysBusyExpander.requests()).filteredOn(r -> pv.equals(r.volume().pvName()))
                .as("first delivery and two Kafka retries, each tried twice in place").hasSize(6);
        assertThat(meters.get("resilience4j.retry.calls").tag("name", BUSY_BACKEND).tag("kind", "failed_with_retry")
                .functionCounter().count()).as("each delivery gave up after its in-place retry").isEqualTo(3.0);
    }

    private long send(String key, byte[] value) throws Exception {
        return producer.send(new ProducerRecord<>(Topics.VOLUME_REQUESTS_NAME, key, value)).get().offset();
    }

    private void awaitCommittedPast(long offset) {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            var committed = KafkaTestUtils.getCurrentOffset(broker.getBrokersAsString(), GROUP,
                    Topics.VOLUME_REQUESTS_NAME, 0);
            return committed != null && committed.offset() > offset;
        });
    }

    private ResizeEvent decode(ConsumerRecord<String, byte[]> record) {
        return codec.decode(record.value());
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        assertThat(header).as("header " + name).isNotNull();
        return new String(header.value(), StandardCharsets.UTF_8);
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static Path sparseImage(String name, long size) throws IOException {
        Path image = IMAGE_DIR.resolve(name);
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
            file.setLength(size);
        }
        return image;
    }

    private static Path temporaryImageDir() {
        try {
            return Files.createTempDirectory("resize-service-it-images");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
