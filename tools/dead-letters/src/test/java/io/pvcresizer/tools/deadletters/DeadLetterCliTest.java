package io.pvcresizer.tools.deadletters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pvcresizer.common.kafka.DeadLetterHeaders;
import io.pvcresizer.common.topics.Topics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.kafka.support.serializer.SerializationUtils;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The dead-letter command without a broker: its arguments, which records it selects, how it prints and replays them. */
class DeadLetterCliTest {

    private static final String REQUESTS_DLT = Topics.VOLUME_REQUESTS.deadLetterName();
    private static final String NODE_RESULTS_DLT = Topics.NODE_RESULTS.deadLetterName();

    private static DeadLetterArguments parse(String... args) {
        return DeadLetterArguments.parse(List.of(args), null);
    }

    private static DeadLetter deadLetter(String topic, int partition, long offset, String key, String value,
                                         Map<String, byte[]> headers) {
        RecordHeaders recordHeaders = new RecordHeaders();
        headers.forEach(recordHeaders::add);
        return new DeadLetter(new RecordId(topic, partition, offset), 1_700_000_000_000L,
                key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                value == null ? null : value.getBytes(StandardCharsets.UTF_8), recordHeaders);
    }

    /** A record as DeadLetterPublishingRecoverer and DeadLetterHeaders write it for a failure that outlasted its retries. */
    private static DeadLetter exhausted(long offset, String key) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("trace-id", utf8("abc"));
        headers.add(KafkaHeaders.DLT_ORIGINAL_TOPIC, utf8(Topics.VOLUME_REQUESTS_NAME));
        headers.add(KafkaHeaders.DLT_ORIGINAL_PARTITION, ByteBuffer.allocate(4).putInt(3).array());
        headers.add(KafkaHeaders.DLT_ORIGINAL_OFFSET, ByteBuffer.allocate(8).putLong(4_294_967_296L).array());
        headers.add(KafkaHeaders.DLT_EXCEPTION_MESSAGE, utf8("Listener failed"));
        headers.add(DeadLetterHeaders.SERVICE, utf8("resize-service"));
        headers.add(DeadLetterHeaders.REASON, utf8(DeadLetterHeaders.REASON_RETRIES_EXHAUSTED));
        headers.add(DeadLetterHeaders.FAILURE_REASON, utf8("BackendUnavailable"));
        headers.add(DeadLetterHeaders.DETAIL, utf8("ceph cluster \"rook\" did not answer"));
        return new DeadLetter(new RecordId(REQUESTS_DLT, 3, offset), 1_700_000_000_000L, utf8(key),
                utf8("{\"type\":\"VolumeExpansionRequested\"}"), headers);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldReadListWithItsFiltersAndDefaults() {
        DeadLetterArguments arguments = parse("list", "--topic", REQUESTS_DLT, "--topic=" + NODE_RESULTS_DLT,
                "--reason", "retries-exhausted", "--key", "pv-1", "--json");

        assertThat(arguments.command()).isEqualTo(DeadLetterArguments.Command.LIST);
        assertThat(arguments.selection())
                .isEqualTo(new DeadLetterSelection(List.of(REQUESTS_DLT, NODE_RESULTS_DLT), "retries-exhausted", "pv-1"));
        assertThat(arguments.json()).isTrue();
        assertThat(arguments.bootstrapServers()).isEqualTo("localhost:9092");
        assertThat(arguments.timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(parse("list").selection().topics()).hasSize(Topics.ALL.size())
                .allMatch(t -> t.endsWith("-dlt")).contains(REQUESTS_DLT);
    }

    @Test
    void shouldTakeTheBrokersFromTheOptionThenTheEnvironment() {
        assertThat(DeadLetterArguments.parse(List.of("list"), "kafka.kafka.svc:9092").bootstrapServers())
                .isEqualTo("kafka.kafka.svc:9092");
        assertThat(DeadLetterArguments.parse(List.of("list", "--bootstrap-servers", "a:1,[::1]:9093"),
                "kafka.kafka.svc:9092").bootstrapServers()).isEqualTo("a:1,[::1]:9093");
        assertThat(parse("list", "--timeout", "500ms").timeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(parse("list", "--timeout", "2m").timeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(parse("list", "--timeout", "7").timeout()).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void shouldReadReplayOfNamedRecordsOrOfAll() {
        DeadLetterArguments named = parse("replay", "--record", REQUESTS_DLT + ":2:17", "--record",
                NODE_RESULTS_DLT + ":0:0", "--dry-run");

        assertThat(named.records()).containsExactly(new RecordId(REQUESTS_DLT, 2, 17), new RecordId(NODE_RESULTS_DLT, 0, 0));
        assertThat(named.all()).isFalse();
        assertThat(named.dryRun()).isTrue();
        assertThat(parse("replay", "--all", "--reason", "malformed-record").all()).isTrue();
        assertThat(parse("replay", "--help").command()).isEqualTo(DeadLetterArguments.Command.HELP);
        assertThat(parse("-h").command()).isEqualTo(DeadLetterArguments.Command.HELP);
    }

    @Test
    void shouldRefuseBadArgumentsSayingWhy() {
        assertBad("no command given", new String[0]);
        assertBad("unknown command delete", "delete");
        assertBad("unknown dead-letter topic pvc-resize.nope-dlt", "list", "--topic", "pvc-resize.nope-dlt");
        assertBad("did you mean " + REQUESTS_DLT, "list", "--topic", Topics.VOLUME_REQUESTS_NAME);
        assertBad("--reason slow: unknown reason; known: malformed-record", "list", "--reason", "slow");
        assertBad("--topic needs a value", "list", "--topic");
        assertBad("--key needs a value", "list", "--key", "--json");
        assertBad("--key given twice", "list", "--key", "a", "--key", "b");
        assertBad("--json given twice", "list", "--json", "--json");
        assertBad("unknown option --follow", "list", "--follow");
        assertBad("unexpected argument extra", "list", "extra");
        assertBad("--all is an option of replay, not of list", "list", "--all");
        assertBad("--json is an option of list, not of replay", "replay", "--all", "--json");
        assertBad("--dry-run takes no value", "replay", "--all", "--dry-run=yes");
        assertBad("replay needs --all or at least one --record", "replay");
        assertBad("--all and --record exclude each other", "replay", "--all", "--record", REQUESTS_DLT + ":0:1");
        assertBad("expected <dlt-topic>:<partition>:<offset>", "replay", "--record", REQUESTS_DLT + ":1");
        assertBad("partition and offset must be whole numbers", "replay", "--record", REQUESTS_DLT + ":a:1");
        assertBad("cannot be negative", "replay", "--record", REQUESTS_DLT + ":0:-1");
        assertBad("unknown dead-letter topic other", "replay", "--record", "other:0:1");
        assertBad("is not in a topic named by --topic", "replay", "--topic", NODE_RESULTS_DLT,
                "--record", REQUESTS_DLT + ":0:1");
        assertBad("expected host:port", "list", "--bootstrap-servers", "localhost");
        assertBad("expected host:port", "list", "--bootstrap-servers", "a:1,,b:2");
        assertBad("expected a positive duration", "list", "--timeout", "soon");
        assertBad("expected a positive duration", "list", "--timeout", "0s");
        assertBad("--key cannot be empty", "list", "--key=");
        assertBad("--force is an option of replay, not of list", "list", "--force");
        assertBad("--kubeconfig is an option of replay, not of list", "list", "--kubeconfig", "k");
        assertBad("--kubeconfig and --force exclude each other", "replay", "--all", "--force", "--kubeconfig", "k");
    }

    private static void assertBad(String message, String... args) {
        assertThatThrownBy(() -> parse(args)).isInstanceOf(UsageException.class).hasMessageContaining(message);
    }

    @Test
    void shouldExitWithTwoAndAClearMessageOnBadArguments() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        DeadLetterCli cli = new DeadLetterCli(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(cli.run(List.of("list", "--topic", "pvc-resize.nope-dlt"), null)).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .startsWith("dead-letters: --topic: unknown dead-letter topic pvc-resize.nope-dlt")
                .contains("Run with --help for usage.");
        assertThat(out.size()).isZero();

        assertThat(cli.run(List.of("--help"), null)).isEqualTo(0);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Usage:", "--record T:P:O", "idempotent",
                "at-least-once", REQUESTS_DLT, "retries-exhausted", "--force", "keeps back a request the claim no longer wants",
                "Exit codes: 0 done, 2 bad arguments or a named record refused, 1 Kafka or the Kubernetes API");
    }

    @Test
    void shouldSelectByTopicReasonAndKey() {
        DeadLetter exhausted = exhausted(5, "pv-1");
        DeadLetter poison = deadLetter(REQUESTS_DLT, 0, 1, "pv-2", "not json",
                Map.of(DeadLetterHeaders.REASON, utf8("malformed-record")));

        DeadLetterSelection byReason = new DeadLetterSelection(DeadLetterTopics.ALL, "malformed-record", null);
        DeadLetterSelection byKey = new DeadLetterSelection(DeadLetterTopics.ALL, null, "pv-1");
        DeadLetterSelection byTopic = new DeadLetterSelection(List.of(NODE_RESULTS_DLT), null, null);

        assertThat(byReason.matches(poison)).isTrue();
        assertThat(byReason.matches(exhausted)).isFalse();
        assertThat(byReason.mismatch(exhausted)).isEqualTo("its reason is retries-exhausted, not malformed-record");
        assertThat(byKey.matches(exhausted)).isTrue();
        assertThat(byKey.matches(poison)).isFalse();
        assertThat(byTopic.matches(poison)).isFalse();
        assertThat(byTopic.mismatch(poison)).startsWith("its topic is not among --topic");
        assertThat(new DeadLetterSelection(DeadLetterTopics.ALL, null, null).mismatch(poison)).isEmpty();
    }

    @Test
    void shouldPrintTheReasonHeadersAndTheBinaryOriginalPartitionAndOffset() {
        String line = new DeadLetterPrinter().line(exhausted(5, "pv-1"));

        assertThat(line).isEqualTo(REQUESTS_DLT + ":3:5 2023-11-14T22:13:20Z key=pv-1 reason=retries-exhausted"
                + " failure-reason=BackendUnavailable service=resize-service"
                + " original=pvc-resize.volume-requests-3@4294967296"
                + " detail=\"ceph cluster \\\"rook\\\" did not answer\""
                + " value=\"{\\\"type\\\":\\\"VolumeExpansionRequested\\\"}\"");
    }

    @Test
    void shouldPrintMissingHeadersAsADashAndEscapeWhatDoesNotPrint() {
        byte[] value = new byte[200];
        value[0] = 'x';
        value[1] = 0x01;
        value[2] = (byte) 0xff;
        DeadLetter bare = new DeadLetter(new RecordId(REQUESTS_DLT, 0, 0), 0L, null, value, new RecordHeaders());

        String line = new DeadLetterPrinter().line(bare);

        assertThat(line).isEqualTo(REQUESTS_DLT + ":0:0 1970-01-01T00:00:00Z key=- reason=- failure-reason=- service=-"
                + " original=- detail=- value=x\\x01\\xff" + "\\x00".repeat(117) + "...");
    }

    @Test
    void shouldEscapeNonPrintableBytesAndKeepPrintableUnicode() {
        assertThat(PrintableText.of(utf8("größe 1Gi\n\tok\\"))).isEqualTo("größe 1Gi\\n\\tok\\\\");
        assertThat(PrintableText.of(new byte[] {(byte) 0xc3})).isEqualTo("\\xc3");
        assertThat(PrintableText.of(new byte[] {(byte) 0xc0, (byte) 0x80})).isEqualTo("\\xc0\\x80");
        assertThat(PrintableText.of(new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80})).isEqualTo("\\xed\\xa0\\x80");
        assertThat(PrintableText.of(utf8("a\u2028b\u200bc"))).isEqualTo("a\\xe2\\x80\\xa8b\\xe2\\x80\\x8bc");
        assertThat(PrintableText.of(utf8("abcdef"), 3)).isEqualTo("abc...");
        assertThat(PrintableText.of(utf8("abc"), 3)).isEqualTo("abc");
        assertThat(PrintableText.of(null)).isNull();
        assertThat(DeadLetterPrinter.quoted("")).isEqualTo("\"\"");
        assertThat(DeadLetterPrinter.quoted("-")).isEqualTo("\"-\"");
    }

    @Test
    void shouldPrintOneJsonObjectPerRecord() {
        JsonNode json = JsonMapper.builder().build().readTree(new DeadLetterPrinter().json(exhausted(5, "pv-1")));

        assertThat(json.get("record").asString()).isEqualTo(REQUESTS_DLT + ":3:5");
        assertThat(json.get("dltTopic").asString()).isEqualTo(REQUESTS_DLT);
        assertThat(json.get("partition").asInt()).isEqualTo(3);
        assertThat(json.get("offset").asLong()).isEqualTo(5);
        assertThat(json.get("key").asString()).isEqualTo("pv-1");
        assertThat(json.get("reason").asString()).isEqualTo("retries-exhausted");
        assertThat(json.get("failureReason").asString()).isEqualTo("BackendUnavailable");
        assertThat(json.get("service").asString()).isEqualTo("resize-service");
        assertThat(json.get("detail").asString()).isEqualTo("ceph cluster \"rook\" did not answer");
        assertThat(json.get("originalTopic").asString()).isEqualTo(Topics.VOLUME_REQUESTS_NAME);
        assertThat(json.get("originalPartition").asInt()).isEqualTo(3);
        assertThat(json.get("originalOffset").asLong()).isEqualTo(4_294_967_296L);
        assertThat(json.get("valuePreview").asString()).isEqualTo("{\"type\":\"VolumeExpansionRequested\"}");
    }

    @Test
    void shouldReplayTheSameKeyValueAndHeadersWithoutTheDeadLetterOnes() {
        DeadLetter record = exhausted(5, "pv-1");
        record.headers().add(SerializationUtils.VALUE_DESERIALIZER_EXCEPTION_HEADER, utf8("x"));

        ProducerRecord<byte[], byte[]> replay = DeadLetterReplayer.replayRecord(record);

        assertThat(replay.topic()).isEqualTo(Topics.VOLUME_REQUESTS_NAME);
        assertThat(replay.partition()).as("partitioned by key, as the services' producers do").isNull();
        assertThat(replay.key()).isEqualTo(utf8("pv-1"));
        assertThat(replay.value()).isSameAs(record.value());
        assertThat(replay.headers()).extracting(Header::key).containsExactly("trace-id", DeadLetterReplayer.REPLAYED_FROM);
        assertThat(new String(replay.headers().lastHeader(DeadLetterReplayer.REPLAYED_FROM).value(), StandardCharsets.UTF_8))
                .isEqualTo(REQUESTS_DLT + "-3@5");
    }

    @Test
    void shouldReplayToTheTopicOfTheDeadLetterTopicWhenTheOriginalTopicHeaderIsMissing() {
        DeadLetter record = deadLetter(NODE_RESULTS_DLT, 1, 2, null, "x", Map.of());

        assertThat(DeadLetterReplayer.replayRecord(record).topic()).isEqualTo(Topics.NODE_RESULTS_NAME);
        assertThat(DeadLetterReplayer.replayRecord(record).key()).isNull();
    }

    @Test
    void shouldDropEveryHeaderDeadLetterHeadersDefines() throws IllegalAccessException {
        for (Field field : DeadLetterHeaders.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class
                    && !field.getName().startsWith("REASON_")) {
                assertThat(DeadLetterReplayer.isDeadLetterHeader((String) field.get(null))).as(field.getName()).isTrue();
            }
        }
        for (Field field : KafkaHeaders.class.getFields()) {
            if (field.getName().startsWith("DLT_")) {
                assertThat(DeadLetterReplayer.isDeadLetterHeader((String) field.get(null))).as(field.getName()).isTrue();
            }
        }
        assertThat(DeadLetterReplayer.isDeadLetterHeader(DeadLetterReplayer.REPLAYED_FROM)).isFalse();
    }

    @Test
    void shouldOrderRecordsByTopicInFlowOrderThenPartitionThenOffset() {
        List<RecordId> ids = new ArrayList<>(List.of(new RecordId(NODE_RESULTS_DLT, 0, 0),
                new RecordId(REQUESTS_DLT, 1, 0), new RecordId(REQUESTS_DLT, 0, 9), new RecordId(REQUESTS_DLT, 0, 2)));
        Collections.sort(ids);

        assertThat(ids).containsExactly(new RecordId(REQUESTS_DLT, 0, 2), new RecordId(REQUESTS_DLT, 0, 9),
                new RecordId(REQUESTS_DLT, 1, 0), new RecordId(NODE_RESULTS_DLT, 0, 0));
        assertThat(RecordId.parse(REQUESTS_DLT + ":1:2").toString()).isEqualTo(REQUESTS_DLT + ":1:2");
        assertThat(DeadLetterKafkaException.describe(Duration.ofSeconds(30))).isEqualTo("30s");
        assertThat(DeadLetterKafkaException.describe(Duration.ofMillis(1500))).isEqualTo("1500ms");
    }
}
