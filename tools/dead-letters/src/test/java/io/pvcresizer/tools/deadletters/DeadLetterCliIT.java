package io.pvcresizer.tools.deadletters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pvcresizer.common.events.EventHeader;
import io.pvcresizer.common.events.FilesystemExpanded;
import io.pvcresizer.common.events.ResizeEvent;
import io.pvcresizer.common.events.VolumeExpansionRequested;
import io.pvcresizer.common.events.VolumeMode;
import io.pvcresizer.common.events.VolumeRef;
import io.pvcresizer.common.failure.Reason;
import io.pvcresizer.common.failure.ResizeException;
import io.pvcresizer.common.kafka.EventCodec;
import io.pvcresizer.common.kafka.ResizeKafkaConfiguration;
import io.pvcresizer.common.kafka.UnexpectedRecordException;
import io.pvcresizer.common.testing.RecordingConsumer;
import io.pvcresizer.common.topics.Topic;
import io.pvcresizer.common.topics.Topics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.convert.ApplicationConversionService;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.MessageListener;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The dead-letter command against a real broker, on dead letters made the real way: records that a listener
 * container of {@link ResizeKafkaConfiguration}'s factory gives up (poison, retries exhausted, unexpected), written to
 * the dead-letter topics by its {@code DefaultErrorHandler}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeadLetterCliIT {

    private static final String SERVICE = "resize-service";
    private static final String REQUESTS_DLT = Topics.VOLUME_REQUESTS.deadLetterName();
    private static final String NODE_RESULTS_DLT = Topics.NODE_RESULTS.deadLetterName();
    private static final byte[] POISON = {'{', 'n', 'o', 't', ' ', 'j', 's', 'o', 'n', 0x01, (byte) 0xff};
    private static final byte[] UNKNOWN_TYPE =
            "{\"type\":\"VolumeShrunk\",\"header\":{\"schemaVersion\":1}}".getBytes(StandardCharsets.UTF_8);

    /**
     * The claim of every request here, still asking for what the request wants (DeadLetterReplayClaimIT checks claims
     * on a real API server).
     */
    private static final ClaimLookup CLAIM_STILL_ASKING = new ClaimLookup() {
        @Override
        public java.util.Optional<ClaimNow> find(String namespace, String name) {
            return java.util.Optional.of(new ClaimNow("uid-1", "pv-transient", "640Mi"));
        }

        @Override
        public String source() {
            return "test";
        }

        @Override
        public void close() {
        }
    };

    private final EventCodec codec = new EventCodec();
    private final List<String> handled = new CopyOnWriteArrayList<>();
    private EmbeddedKafkaKraftBroker broker;
    private AnnotationConfigApplicationContext context;
    private String servers;
    /** What was first sent, by key: where it went and its value. */
    private final Map<String, RecordMetadata> originals = new HashMap<>();
    private final Map<String, byte[]> originalValues = new HashMap<>();
    /** The dead letters the error handler wrote, by key. */
    private Map<String, ConsumerRecord<String, byte[]>> deadLetters;

    @BeforeAll
    void deadLetterRecordsTheWayTheServicesDo() throws Exception {
        String[] topics = Topics.ALL.stream().flatMap(t -> Stream.of(t.name(), t.deadLetterName())).toArray(String[]::new);
        broker = new EmbeddedKafkaKraftBroker(1, 2, topics);
        broker.afterPropertiesSet();
        servers = broker.getBrokersAsString();

        // The services' own Kafka wiring, from their configuration class, with short retries.
        context = new AnnotationConfigApplicationContext();
        context.getBeanFactory().setConversionService(ApplicationConversionService.getSharedInstance());
        context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("dead-letter-cli-it", Map.of(
                "spring.kafka.bootstrap-servers", servers,
                "spring.application.name", SERVICE,
                "pvc-resizer.kafka.retry.initial-interval", "10ms",
                "pvc-resizer.kafka.retry.max-interval", "10ms",
                "pvc-resizer.kafka.retry.multiplier", "1.0",
                "pvc-resizer.kafka.retry.max-retries", "1")));
        context.register(ResizeKafkaConfiguration.class);
        context.refresh();
        @SuppressWarnings("unchecked")
        ConcurrentKafkaListenerContainerFactory<String, ResizeEvent> factory =
                context.getBean(ConcurrentKafkaListenerContainerFactory.class);
        ConcurrentMessageListenerContainer<String, ResizeEvent> container =
                factory.createContainer(Topics.VOLUME_REQUESTS_NAME, Topics.NODE_RESULTS_NAME);
        container.getContainerProperties().setGroupId("dead-letter-cli-it");
        container.getContainerProperties().setMessageListener((MessageListener<String, ResizeEvent>) this::handle);
        container.start();

        VolumeRef ref = new VolumeRef("apps", "data-0", "uid-1", "pv-transient");
        EventHeader header = EventHeader.next("op-uid-1-671088640", ref);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers), new StringSerializer(), new ByteArraySerializer());
             RecordingConsumer dlt = new RecordingConsumer(servers, List.of(REQUESTS_DLT, NODE_RESULTS_DLT))) {
            send(producer, Topics.VOLUME_REQUESTS, "pv-transient", codec.encode(new VolumeExpansionRequested(header,
                    "file.pvc-resizer.io", "pv-transient.img", Map.of(), VolumeMode.Filesystem, 335544320L, 671088640L,
                    "640Mi")));
            send(producer, Topics.VOLUME_REQUESTS, "pv-poison", POISON);
            send(producer, Topics.VOLUME_REQUESTS, "pv-unknown", UNKNOWN_TYPE);
            send(producer, Topics.VOLUME_REQUESTS, "pv-ok", codec.encode(new VolumeExpansionRequested(header,
                    "file.pvc-resizer.io", "pv-ok.img", Map.of(), VolumeMode.Filesystem, 1L, 2L, "2")));
            send(producer, Topics.NODE_RESULTS, "node-a",
                    codec.encode(new FilesystemExpanded(header, "node-a", 671088640L, 660000000L, "xfs", true)));

            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                assertThat(dlt.records(REQUESTS_DLT)).hasSize(3);
                assertThat(dlt.records(NODE_RESULTS_DLT)).hasSize(1);
                assertThat(handled).containsExactly("pv-ok");
            });
            deadLetters = Stream.concat(dlt.records(REQUESTS_DLT).stream(), dlt.records(NODE_RESULTS_DLT).stream())
                    .collect(Collectors.toMap(ConsumerRecord::key, r -> r));
        }
        // Nothing consumes the original topics from here on, so what a replay sends stays there to be looked at.
        container.stop();
    }

    private void send(KafkaProducer<String, byte[]> producer, Topic<?> topic, String key, byte[] value) throws Exception {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic.name(), key, value);
        record.headers().add("trace-id", ("trace-" + key).getBytes(StandardCharsets.UTF_8));
        originals.put(key, producer.send(record).get());
        originalValues.put(key, value);
    }

    private void handle(ConsumerRecord<String, ResizeEvent> record) {
        if (record.key().equals("pv-transient")) {
            throw new ResizeException(Reason.CEPH_UNAVAILABLE, "ceph cluster rook-ceph did not answer");
        }
        if (record.topic().equals(Topics.NODE_RESULTS_NAME)) {
            throw new UnexpectedRecordException("FilesystemExpanded is not read by this service");
        }
        handled.add(record.key());
    }

    @AfterAll
    void stopBroker() {
        if (context != null) {
            context.close();
        }
        if (broker != null) {
            broker.destroy();
        }
    }

    @Test
    void shouldListEveryDeadLetterWithItsReasonHeadersAndOriginalRecord() {
        Result result = run("list");

        assertThat(result.code()).isZero();
        assertThat(result.lines()).hasSize(4);
        assertThat(line(result, "pv-transient")).contains("reason=retries-exhausted", "failure-reason=CephUnavailable",
                "service=resize-service", "original=" + original("pv-transient"),
                "detail=\"ceph cluster rook-ceph did not answer\"", "value=\"{\\\"type\\\":\\\"VolumeExpansionRequested\\\"");
        assertThat(line(result, "pv-poison")).contains("reason=malformed-record", "failure-reason=-",
                "service=resize-service", "original=" + original("pv-poison"), "value=\"{not json\\x01\\xff\"");
        assertThat(line(result, "pv-unknown")).contains("reason=unknown-event-type",
                "detail=\"unknown event type \\\"VolumeShrunk\\\"\"", "original=" + original("pv-unknown"));
        assertThat(line(result, "node-a")).startsWith(NODE_RESULTS_DLT + ":").contains("reason=unexpected-record",
                "original=" + original("node-a"));
        assertThat(result.err()).contains("4 of 4 dead letters listed");
    }

    @Test
    void shouldListOneJsonObjectPerRecord() {
        Result result = run("list", "--json", "--key", "pv-transient");

        assertThat(result.code()).isZero();
        assertThat(result.lines()).hasSize(1);
        JsonNode json = JsonMapper.builder().build()
                .readTree(result.lines().get(0));
        RecordMetadata original = originals.get("pv-transient");
        assertThat(json.get("record").asString()).isEqualTo(id("pv-transient").toString());
        assertThat(json.get("reason").asString()).isEqualTo("retries-exhausted");
        assertThat(json.get("failureReason").asString()).isEqualTo("CephUnavailable");
        assertThat(json.get("service").asString()).isEqualTo(SERVICE);
        assertThat(json.get("originalTopic").asString()).isEqualTo(Topics.VOLUME_REQUESTS_NAME);
        assertThat(json.get("originalPartition").asInt()).isEqualTo(original.partition());
        assertThat(json.get("originalOffset").asLong()).isEqualTo(original.offset());
    }

    @Test
    void shouldListOnlyTheRecordsOfTheReasonAndTopicAsked() {
        Result byReason = run("list", "--reason", "malformed-record");
        Result byTopic = run("list", "--topic", NODE_RESULTS_DLT);

        assertThat(byReason.lines()).hasSize(1).allMatch(l -> l.contains("key=pv-poison"));
        assertThat(byTopic.lines()).hasSize(1).allMatch(l -> l.contains("key=node-a"));
    }

    @Test
    void shouldReplayExactlyTheNamedRecordToItsOriginalTopic() {
        Map<TopicPartition, Long> before = endOffsets();
        RecordId id = id("pv-transient");

        Result result = run("replay", "--record", id.toString());

        assertThat(result.code()).isZero();
        assertThat(result.out()).contains("replayed " + id + " -> " + Topics.VOLUME_REQUESTS_NAME, "replayed 1 record(s)");
        List<ConsumerRecord<String, byte[]>> replayed = recordsAfter(before);
        assertThat(replayed).hasSize(1);
        ConsumerRecord<String, byte[]> record = replayed.get(0);
        assertThat(record.topic()).isEqualTo(Topics.VOLUME_REQUESTS_NAME);
        assertThat(record.partition()).as("same key, same partition").isEqualTo(originals.get("pv-transient").partition());
        assertThat(record.key()).isEqualTo("pv-transient");
        assertThat(record.value()).isEqualTo(originalValues.get("pv-transient"));
        assertThat(RecordingConsumer.header(record, DeadLetterReplayer.REPLAYED_FROM)).isEqualTo(id.replayTag());
        assertThat(RecordingConsumer.header(record, "trace-id")).isEqualTo("trace-pv-transient");
        assertThat(Arrays.stream(record.headers().toArray()).map(Header::key))
                .noneMatch(k -> k.startsWith("kafka_dlt-") || k.startsWith("pvc-resizer-dlt-"));
    }

    @Test
    void shouldDeliverTwoCopiesWhenEverythingIsReplayedTwice() {
        Map<TopicPartition, Long> before = endOffsets();

        Result first = run("replay", "--all");
        Result second = run("replay", "--all");

        assertThat(first.code()).isZero();
        assertThat(second.code()).isZero();
        assertThat(first.out()).contains("replayed 4 record(s)");
        assertThat(second.out()).contains("replayed 4 record(s)");
        List<ConsumerRecord<String, byte[]>> replayed = recordsAfter(before);
        assertThat(replayed).hasSize(8);
        Map<String, List<ConsumerRecord<String, byte[]>>> byOrigin = replayed.stream()
                .collect(Collectors.groupingBy(r -> RecordingConsumer.header(r, DeadLetterReplayer.REPLAYED_FROM)));
        assertThat(byOrigin.keySet()).containsExactlyInAnyOrderElementsOf(
                deadLetters.keySet().stream().map(k -> id(k).replayTag()).toList());
        for (Map.Entry<String, ConsumerRecord<String, byte[]>> deadLetter : deadLetters.entrySet()) {
            List<ConsumerRecord<String, byte[]>> copies = byOrigin.get(id(deadLetter.getKey()).replayTag());
            assertThat(copies).hasSize(2).allSatisfy(copy -> {
                assertThat(copy.topic()).isEqualTo(originals.get(deadLetter.getKey()).topic());
                assertThat(copy.key()).isEqualTo(deadLetter.getKey());
                assertThat(copy.value()).isEqualTo(originalValues.get(deadLetter.getKey()));
            });
        }
        assertThat(first.err()).contains("warning: " + id("pv-poison") + " was dead-lettered as malformed-record");
    }

    @Test
    void shouldReplayOnlyTheRecordsOfTheReasonAsked() {
        Map<TopicPartition, Long> before = endOffsets();

        Result result = run("replay", "--all", "--reason", "malformed-record");

        assertThat(result.code()).isZero();
        assertThat(result.out()).contains("replayed 1 record(s)");
        List<ConsumerRecord<String, byte[]>> replayed = recordsAfter(before);
        assertThat(replayed).hasSize(1);
        assertThat(replayed.get(0).key()).isEqualTo("pv-poison");
        assertThat(replayed.get(0).value()).as("poison stays poison, byte for byte").isEqualTo(POISON);
    }

    @Test
    void shouldSendNothingOnADryRun() {
        Map<TopicPartition, Long> before = endOffsets();

        Result result = run("replay", "--all", "--dry-run");

        assertThat(result.code()).isZero();
        assertThat(result.lines()).filteredOn(l -> l.startsWith("would replay ")).hasSize(4);
        assertThat(result.out()).contains("dry run: 4 record(s) would be replayed, nothing sent");
        assertThat(endOffsets()).isEqualTo(before);
    }

    @Test
    void shouldRefuseToReplayARecordWhoseHeaderNamesAnotherTopicThanItsDeadLetterTopicsOwn() throws Exception {
        // A broker of its own, so that the forged record is in no other test's list.
        EmbeddedKafkaKraftBroker other = new EmbeddedKafkaKraftBroker(1, 1, REQUESTS_DLT, Topics.NODE_REQUESTS_NAME);
        other.afterPropertiesSet();
        try (org.apache.kafka.clients.producer.KafkaProducer<String, byte[]> producer = new org.apache.kafka.clients.producer.KafkaProducer<>(
                Map.of("bootstrap.servers", other.getBrokersAsString()), new org.apache.kafka.common.serialization.StringSerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            org.apache.kafka.clients.producer.ProducerRecord<String, byte[]> record = new org.apache.kafka.clients.producer.ProducerRecord<>(
                    REQUESTS_DLT, 0, "pv-forged", "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            record.headers().add(org.springframework.kafka.support.KafkaHeaders.DLT_ORIGINAL_TOPIC,
                    Topics.NODE_REQUESTS_NAME.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            org.apache.kafka.clients.producer.RecordMetadata forged = producer.send(record).get();

            Result result = runAgainst(other.getBrokersAsString(), "replay", "--record",
                    REQUESTS_DLT + ":" + forged.partition() + ":" + forged.offset());

            assertThat(result.code()).isEqualTo(2);
            assertThat(result.err()).contains("says it came from " + Topics.NODE_REQUESTS_NAME, "nothing was replayed");
        } finally {
            other.destroy();
        }
    }

    @Test
    void shouldRefuseAnUnknownTopicOrRecordWithExitCodeTwo() {
        Map<TopicPartition, Long> before = endOffsets();

        Result unknownTopic = run("list", "--topic", "pvc-resize.nope-dlt");
        Result unknownRecord = run("replay", "--record", id("pv-transient").toString(), "--record", REQUESTS_DLT + ":0:999");
        Result filteredOut = run("replay", "--record", id("pv-transient").toString(), "--reason", "malformed-record");

        assertThat(unknownTopic.code()).isEqualTo(2);
        assertThat(unknownTopic.err()).contains("unknown dead-letter topic pvc-resize.nope-dlt");
        assertThat(unknownRecord.code()).isEqualTo(2);
        assertThat(unknownRecord.err()).contains(REQUESTS_DLT + ":0:999: no such record", "nothing was replayed");
        assertThat(filteredOut.code()).isEqualTo(2);
        assertThat(filteredOut.err()).contains("its reason is retries-exhausted, not malformed-record");
        assertThat(endOffsets()).isEqualTo(before);
    }

    @Test
    void shouldFailWithExitCodeOneWhenNoBrokerAnswers() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Result result = runAgainst("localhost:" + port, "list", "--timeout", "2s");

        assertThat(result.code()).isEqualTo(1);
        assertThat(result.err()).contains("Kafka at localhost:" + port, "no answer within 2s");
    }

    private record Result(int code, String out, String err) {
        List<String> lines() {
            return out.lines().filter(l -> !l.isBlank()).toList();
        }
    }

    private Result run(String... args) {
        return runAgainst(servers, args);
    }

    private static Result runAgainst(String servers, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> command = new ArrayList<>(List.of(args));
        command.addAll(List.of("--bootstrap-servers", servers));
        int code = new DeadLetterCli(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), (kubeconfig, timeout) -> CLAIM_STILL_ASKING)
                .run(command, null);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private RecordId id(String key) {
        ConsumerRecord<String, byte[]> record = deadLetters.get(key);
        return new RecordId(record.topic(), record.partition(), record.offset());
    }

    private String line(Result result, String key) {
        return result.lines().stream().filter(l -> l.startsWith(id(key) + " ")).findFirst().orElseThrow(
                () -> new AssertionError("no line for " + id(key) + " in\n" + result.out()));
    }

    private String original(String key) {
        RecordMetadata original = originals.get(key);
        return original.topic() + "-" + original.partition() + "@" + original.offset();
    }

    private KafkaConsumer<String, byte[]> consumer() {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers),
                new StringDeserializer(), new ByteArrayDeserializer());
    }

    private Set<TopicPartition> originalPartitions() {
        return Topics.ALL.stream().flatMap(t -> Stream.of(new TopicPartition(t.name(), 0), new TopicPartition(t.name(), 1)))
                .collect(Collectors.toSet());
    }

    private Map<TopicPartition, Long> endOffsets() {
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            return consumer.endOffsets(originalPartitions());
        }
    }

    /** Every record of the original topics after the given offsets, up to their end now. */
    private List<ConsumerRecord<String, byte[]>> recordsAfter(Map<TopicPartition, Long> offsets) {
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            Map<TopicPartition, Long> ends = consumer.endOffsets(offsets.keySet());
            consumer.assign(offsets.keySet());
            offsets.forEach(consumer::seek);
            List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
            await().pollInSameThread().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
                return ends.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
            });
            return records;
        }
    }
}
