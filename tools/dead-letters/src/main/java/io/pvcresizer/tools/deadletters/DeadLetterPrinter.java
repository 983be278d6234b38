package io.pvcresizer.tools.deadletters;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.RecordMetadata;
import tools.jackson.databind.json.JsonMapper;

/**
 * Renders dead letters for an operator: one line of {@code name=value} fields, or one JSON object, per record; every
 * text is escaped to printable characters so that a record never spans lines.
 */
final class DeadLetterPrinter {

    /** How many characters of the value a line shows. */
    static final int VALUE_PREVIEW_CHARS = 120;
    /** What a line shows for a header the record does not have. */
    static final String MISSING = "-";

    private final JsonMapper json = JsonMapper.builder().build();

    /**
     * The record as one line: its id ({@code <dlt-topic>:<partition>:<offset>}, what {@code replay --record} takes),
     * its timestamp, then {@code key}, {@code reason}, {@code failure-reason}, {@code service}, {@code original}
     * ({@code <topic>-<partition>@<offset>} as the services log it), {@code detail} and {@code value}.
     */
    String line(DeadLetter record) {
        StringBuilder line = new StringBuilder();
        line.append(record.id()).append(' ').append(Instant.ofEpochMilli(record.timestamp()));
        field(line, "key", PrintableText.of(record.key()));
        field(line, "reason", printable(record.reason()));
        field(line, "failure-reason", printable(record.failureReason()));
        field(line, "service", printable(record.service()));
        field(line, "original", original(record));
        field(line, "detail", printable(record.detail()));
        field(line, "value", PrintableText.of(record.value(), VALUE_PREVIEW_CHARS));
        return line.toString();
    }

    /** The record as one JSON object on one line, with the same facts as {@link #line}. */
    String json(DeadLetter record) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("record", record.id().toString());
        fields.put("dltTopic", record.id().topic());
        fields.put("partition", record.id().partition());
        fields.put("offset", record.id().offset());
        fields.put("timestamp", Instant.ofEpochMilli(record.timestamp()).toString());
        fields.put("key", record.keyText());
        fields.put("reason", record.reason());
        fields.put("failureReason", record.failureReason());
        fields.put("service", record.service());
        fields.put("detail", record.detail());
        fields.put("originalTopic", record.originalTopic());
        fields.put("originalPartition", record.originalPartition());
        fields.put("originalOffset", record.originalOffset());
        fields.put("valuePreview", PrintableText.of(record.value(), VALUE_PREVIEW_CHARS));
        return json.writeValueAsString(fields);
    }

    /** What replay prints for a record it sent. */
    String replayed(DeadLetter record, RecordMetadata sent) {
        return "replayed " + record.id() + " -> " + sent.topic() + "-" + sent.partition() + "@" + sent.offset()
                + summary(record);
    }

    /** What a dry run prints for a record it would send. */
    String wouldReplay(DeadLetter record) {
        return "would replay " + record.id() + " -> " + record.replayTopic() + summary(record);
    }

    private static String summary(DeadLetter record) {
        StringBuilder summary = new StringBuilder();
        field(summary, "key", PrintableText.of(record.key()));
        field(summary, "reason", printable(record.reason()));
        return summary.toString();
    }

    /** {@code <topic>-<partition>@<offset>} from spring-kafka's original-record headers, {@code ?} for a missing part. */
    private static String original(DeadLetter record) {
        String topic = record.originalTopic();
        Integer partition = record.originalPartition();
        Long offset = record.originalOffset();
        if (topic == null && partition == null && offset == null) {
            return null;
        }
        return (topic == null ? "?" : printable(topic)) + "-" + (partition == null ? "?" : partition)
                + "@" + (offset == null ? "?" : offset);
    }

    private static String printable(String text) {
        return text == null ? null : PrintableText.of(text.getBytes(StandardCharsets.UTF_8));
    }

    private static void field(StringBuilder line, String name, String value) {
        line.append(' ').append(name).append('=').append(quoted(value));
    }

    /** The value as is when it has no space or quote, else in double quotes with its quotes escaped. */
    static String quoted(String value) {
        if (value == null) {
            return MISSING;
        }
        boolean plain = !value.isEmpty() && !value.equals(MISSING)
                && value.codePoints().noneMatch(c -> c == '"' || Character.isSpaceChar(c));
        return plain ? value : "\"" + value.replace("\"", "\\\"") + "\"";
    }
}
