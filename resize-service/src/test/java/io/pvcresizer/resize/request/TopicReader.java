package io.pvcresizer.resize.request;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.utils.KafkaTestUtils;

/** Reads every record of one topic from its beginning with a plain consumer, for tests to look for what arrived. */
final class TopicReader implements AutoCloseable {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private final KafkaConsumer<String, byte[]> consumer;
    private final List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();

    TopicReader(EmbeddedKafkaBroker broker, String topic) {
        Map<String, Object> props = KafkaTestUtils.consumerProps(broker, "test-reader-" + UUID.randomUUID(), false);
        consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(info -> new TopicPartition(topic, info.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Waits until a record that matches has arrived, and returns the first one. */
    ConsumerRecord<String, byte[]> awaitRecord(Predicate<ConsumerRecord<String, byte[]>> match) {
        await().atMost(PATIENCE).pollInSameThread().pollInterval(Duration.ZERO)
                .until(() -> pollOnce().stream().anyMatch(match));
        return seen.stream().filter(match).findFirst().orElseThrow();
    }

    /** Every record stored in the topic now, once this reader has caught up with its end. */
    List<ConsumerRecord<String, byte[]>> readToEnd() {
        Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment());
        await().atMost(PATIENCE).pollInSameThread().pollInterval(Duration.ZERO).until(() -> {
            pollOnce();
            return ends.entrySet().stream().allMatch(end -> consumer.position(end.getKey()) >= end.getValue());
        });
        return List.copyOf(seen);
    }

    private List<ConsumerRecord<String, byte[]>> pollOnce() {
        consumer.poll(Duration.ofMillis(100)).forEach(seen::add);
        return seen;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
