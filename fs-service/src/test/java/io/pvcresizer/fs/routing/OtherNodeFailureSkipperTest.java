package io.pvcresizer.fs.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pvcresizer.common.topics.Topics;
import io.pvcresizer.fs.metrics.ExpansionMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.kafka.support.serializer.DeserializationException;

/** A failed record keyed for another node of the shared partition is skipped; this node's failures go to the shared handler. */
class OtherNodeFailureSkipperTest {

    private static final TopicPartition PARTITION = new TopicPartition(Topics.NODE_REQUESTS_NAME, 1);
    private static final Exception UNREADABLE = new DeserializationException("failed to deserialize", new byte[] {'{'},
            false, new IllegalArgumentException("not valid JSON"));

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final List<ConsumerRecord<?, ?>> delegated = new ArrayList<>();
    private final CommonErrorHandler shared = new CommonErrorHandler() {
        @Override
        public boolean seeksAfterHandling() {
            return true;
        }

        @Override
        public boolean handleOne(Exception e, ConsumerRecord<?, ?> record, Consumer<?, ?> consumer,
                MessageListenerContainer container) {
            delegated.add(record);
            return true;
        }

        @Override
        public void handleRemaining(Exception e, List<ConsumerRecord<?, ?>> records, Consumer<?, ?> consumer,
                MessageListenerContainer container) {
            delegated.add(records.get(0));
        }
    };
    private final OtherNodeFailureSkipper handler = new OtherNodeFailureSkipper(new OwnNodeFilter("node-a"),
            new ExpansionMetrics(meters), shared);
    private final MockConsumer<String, Object> consumer = new MockConsumer<>("earliest");

    @Test
    void shouldSkipAnUnreadableRecordOfAnotherNodeAndGoOnWithTheRecordsAfterIt() {
        consumer.assign(List.of(PARTITION));
        consumer.updateBeginningOffsets(Map.of(PARTITION, 0L));
        consumer.seek(PARTITION, 9);

        handler.handleRemaining(UNREADABLE, List.of(record(5, "node-b"), record(6, "node-a"), record(7, "node-b")),
                consumer, null);

        assertThat(delegated).isEmpty();
        assertThat(consumer.position(PARTITION)).as("position: the record after the skipped one").isEqualTo(6);
        assertThat(skipped()).isEqualTo(1.0);
    }

    @Test
    void shouldLeaveAFailedRecordOfThisNodeToTheSharedHandler() {
        ConsumerRecord<String, Object> own = record(5, "node-a");

        handler.handleRemaining(UNREADABLE, List.of(own, record(6, "node-b")), consumer, null);

        assertThat(delegated).containsExactly(own);
        assertThat(skipped()).isZero();
    }

    @Test
    void shouldLeaveAFailedRecordWithoutKeyToTheSharedHandler() {
        ConsumerRecord<String, Object> unkeyed = record(5, null);

        handler.handleRemaining(UNREADABLE, List.of(unkeyed), consumer, null);

        assertThat(delegated).containsExactly(unkeyed);
    }

    @Test
    void shouldSkipAnotherNodesRecordHandledAlone() {
        assertThat(handler.handleOne(UNREADABLE, record(5, "node-b"), consumer, null)).isTrue();
        assertThat(handler.handleOne(UNREADABLE, record(6, "node-a"), consumer, null)).isTrue();

        assertThat(delegated).extracting(ConsumerRecord::offset).containsExactly(6L);
        assertThat(skipped()).isEqualTo(1.0);
        assertThat(handler.seeksAfterHandling()).isTrue();
    }

    private double skipped() {
        return meters.get("pvc.resizer.node.requests.skipped").counter().count();
    }

    private static ConsumerRecord<String, Object> record(long offset, String key) {
        return new ConsumerRecord<>(PARTITION.topic(), PARTITION.partition(), offset, key, null);
    }
}
