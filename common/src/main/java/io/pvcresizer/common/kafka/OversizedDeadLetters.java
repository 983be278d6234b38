package io.pvcresizer.common.kafka;

import io.pvcresizer.common.failure.Causes;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ConsumerRecordRecoverer;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.kafka.support.serializer.DeserializationException;

/**
 * Dead-letters a record even when its dead letter would be too large for the broker (a value near the topic's size
 * limit plus the dead-letter headers): then a truncated dead letter is sent instead — the first
 * {@value #KEPT_BYTES} bytes of the value, the reason headers, the original topic, partition and offset, and
 * {@code pvc-resizer-dlt-truncated} with the original size — so that no record can wedge its partition.
 */
public final class OversizedDeadLetters implements ConsumerRecordRecoverer {

    static final int KEPT_BYTES = 64 * 1024;

    private final ConsumerRecordRecoverer deadLetters;
    private final KafkaTemplate<String, Object> template;
    private final String service;

    public OversizedDeadLetters(ConsumerRecordRecoverer deadLetters, KafkaTemplate<String, Object> template, String service) {
        this.deadLetters = deadLetters;
        this.template = template;
        this.service = service;
    }

    @Override
    public void accept(ConsumerRecord<?, ?> record, Exception failure) {
        try {
            deadLetters.accept(record, failure);
        } catch (RuntimeException sendFailure) {
            // spring-kafka reports a failed publication without its cause: a large value is the one failure a smaller
            // copy can get past (a broker that is away fails that copy too, and the record is delivered again).
            byte[] value = originalValue(record, failure);
            if (value.length <= KEPT_BYTES) {
                throw sendFailure;
            }
            sendTruncated(record, failure, value);
        }
    }

    private void sendTruncated(ConsumerRecord<?, ?> record, Exception failure, byte[] value) {
        RecordHeaders headers = new RecordHeaders();
        for (Header header : DeadLetterHeaders.forFailure(service, failure)) {
            headers.add(header);
        }
        headers.add(KafkaHeaders.DLT_ORIGINAL_TOPIC, record.topic().getBytes(StandardCharsets.UTF_8));
        headers.add(KafkaHeaders.DLT_ORIGINAL_PARTITION, ByteBuffer.allocate(4).putInt(record.partition()).array());
        headers.add(KafkaHeaders.DLT_ORIGINAL_OFFSET, ByteBuffer.allocate(8).putLong(record.offset()).array());
        headers.add(DeadLetterHeaders.TRUNCATED, Integer.toString(value.length).getBytes(StandardCharsets.UTF_8));
        byte[] kept = Arrays.copyOf(value, Math.min(value.length, KEPT_BYTES));
        String key = record.key() == null ? null : String.valueOf(record.key());
        try {
            template.send(new ProducerRecord<>(record.topic() + io.pvcresizer.common.topics.Topic.DLT_SUFFIX,
                    record.partition(), key, kept, headers)).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while dead-lettering a truncated record", e);
        } catch (Exception e) {
            throw new IllegalStateException("could not dead-letter even a truncated copy of " + record.topic() + "-"
                    + record.partition() + "@" + record.offset() + ": " + e.getMessage(), e);
        }
    }

    /** The record's value as it was on the wire: the undecodable bytes, or the event encoded again. */
    private static byte[] originalValue(ConsumerRecord<?, ?> record, Exception failure) {
        DeserializationException undecodable = Causes.find(failure, DeserializationException.class);
        if (undecodable != null && undecodable.getData() != null) {
            return undecodable.getData();
        }
        byte[] encoded = new EventSerializer().serialize(record.topic(), record.value());
        return encoded == null ? new byte[0] : encoded;
    }
}
