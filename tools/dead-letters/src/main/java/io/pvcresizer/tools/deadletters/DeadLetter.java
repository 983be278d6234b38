package io.pvcresizer.tools.deadletters;

import io.pvcresizer.common.kafka.DeadLetterHeaders;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.springframework.kafka.support.KafkaHeaders;

/**
 * One record of a dead-letter topic as it was read: where it is, its raw key, value and headers, and the dead-letter
 * headers decoded (pvc-resizer's reason headers as text, spring-kafka's original partition and offset as the
 * big-endian int and long it writes).
 *
 * @param id        dead-letter topic, partition and offset
 * @param timestamp the record's timestamp, epoch milliseconds
 * @param key       raw key bytes, or null
 * @param value     raw value bytes, or null
 * @param headers   every header, as read
 */
record DeadLetter(RecordId id, long timestamp, byte[] key, byte[] value, Headers headers) {

    static DeadLetter of(ConsumerRecord<byte[], byte[]> record) {
        return new DeadLetter(new RecordId(record.topic(), record.partition(), record.offset()), record.timestamp(),
                record.key(), record.value(), record.headers());
    }

    /** The key as UTF-8 text (the services write keys with a string serializer), or null. */
    String keyText() {
        return key == null ? null : new String(key, StandardCharsets.UTF_8);
    }

    /** {@code pvc-resizer-dlt-reason}, or null. */
    String reason() {
        return text(DeadLetterHeaders.REASON);
    }

    /** {@code pvc-resizer-dlt-failure-reason}, or null. */
    String failureReason() {
        return text(DeadLetterHeaders.FAILURE_REASON);
    }

    /** {@code pvc-resizer-dlt-service}, or null. */
    String service() {
        return text(DeadLetterHeaders.SERVICE);
    }

    /** {@code pvc-resizer-dlt-detail}, or null. */
    String detail() {
        return text(DeadLetterHeaders.DETAIL);
    }

    /** {@code kafka_dlt-original-topic}, or null. */
    String originalTopic() {
        return text(KafkaHeaders.DLT_ORIGINAL_TOPIC);
    }

    /** {@code kafka_dlt-original-partition} (4 bytes, big-endian), or null when missing or of another length. */
    Integer originalPartition() {
        byte[] bytes = raw(KafkaHeaders.DLT_ORIGINAL_PARTITION);
        return bytes == null || bytes.length != Integer.BYTES ? null : ByteBuffer.wrap(bytes).getInt();
    }

    /** {@code kafka_dlt-original-offset} (8 bytes, big-endian), or null when missing or of another length. */
    Long originalOffset() {
        byte[] bytes = raw(KafkaHeaders.DLT_ORIGINAL_OFFSET);
        return bytes == null || bytes.length != Long.BYTES ? null : ByteBuffer.wrap(bytes).getLong();
    }

    /**
     * Where a replay sends the record: the topic the dead-letter topic belongs to by name (without {@code -dlt}),
     * never the {@code kafka_dlt-original-topic} header, which whoever wrote the record could set to anything.
     */
    String replayTopic() {
        return DeadLetterTopics.originalOf(id.topic());
    }

    /** The last header {@code name} as UTF-8 text, or null. */
    String text(String name) {
        byte[] bytes = raw(name);
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    private byte[] raw(String name) {
        Header header = headers.lastHeader(name);
        return header == null ? null : header.value();
    }
}
