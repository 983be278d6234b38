package io.pvcresizer.tools.deadletters;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads dead-letter records with their headers, from a given offset up to the end the partition had when reading
 * began, then stops; it assigns and seeks partitions itself and belongs to no consumer group, so it commits nothing
 * and moves no service's offsets.
 */
final class DeadLetterReader implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(200);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String bootstrapServers;
    private final Duration timeout;

    DeadLetterReader(String bootstrapServers, Duration timeout) {
        this(bootstrapServers, timeout, Map.of());
    }

    /** @param clientProperties client properties for TLS, SASL and the like ({@code --command-config}), applied first */
    DeadLetterReader(String bootstrapServers, Duration timeout, Map<String, Object> clientProperties) {
        this.bootstrapServers = bootstrapServers;
        this.timeout = timeout;
        Map<String, Object> config = new HashMap<>(clientProperties);
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "pvc-resizer-dead-letters");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** The partitions of each of {@code topics} that exists on the brokers; a topic that does not exist is left out. */
    Map<String, List<TopicPartition>> partitions(Collection<String> topics) {
        Map<String, List<PartitionInfo>> existing;
        try {
            existing = consumer.listTopics(timeout);
        } catch (KafkaException e) {
            throw DeadLetterKafkaException.of("listing the topics", bootstrapServers, timeout, e);
        }
        Map<String, List<TopicPartition>> partitions = new LinkedHashMap<>();
        for (String topic : topics) {
            List<PartitionInfo> infos = existing.get(topic);
            if (infos != null) {
                partitions.put(topic, infos.stream().map(p -> new TopicPartition(p.topic(), p.partition()))
                        .sorted(Comparator.comparingInt(TopicPartition::partition)).toList());
            }
        }
        return partitions;
    }

    /** Every record of the partitions, from the oldest kept to the current end, ordered by topic, partition, offset. */
    List<DeadLetter> readAll(Collection<TopicPartition> partitions) {
        Map<TopicPartition, Long> from = new HashMap<>();
        partitions.forEach(tp -> from.put(tp, 0L));
        return read(from, Map.of());
    }

    /** The records at exactly these places; a place that holds no record (deleted, beyond the end) is left out. */
    List<DeadLetter> readRecords(Collection<RecordId> ids) {
        List<DeadLetter> found = new ArrayList<>();
        for (RecordId id : ids) {
            TopicPartition tp = new TopicPartition(id.topic(), id.partition());
            read(Map.of(tp, id.offset()), Map.of(tp, id.offset() + 1)).stream()
                    .filter(record -> record.id().equals(id)).forEach(found::add);
        }
        return found;
    }

    private List<DeadLetter> read(Map<TopicPartition, Long> from, Map<TopicPartition, Long> until) {
        Set<TopicPartition> partitions = from.keySet();
        Map<TopicPartition, Long> beginnings;
        Map<TopicPartition, Long> ends;
        try {
            beginnings = consumer.beginningOffsets(partitions, timeout);
            ends = consumer.endOffsets(partitions, timeout);
        } catch (KafkaException e) {
            throw DeadLetterKafkaException.of("reading the offsets of " + partitions, bootstrapServers, timeout, e);
        }
        Map<TopicPartition, Long> starts = new HashMap<>();
        Map<TopicPartition, Long> stops = new HashMap<>();
        for (TopicPartition tp : partitions) {
            long start = Math.max(beginnings.get(tp), from.get(tp));
            long stop = Math.min(ends.get(tp), until.getOrDefault(tp, Long.MAX_VALUE));
            if (start < stop) {
                starts.put(tp, start);
                stops.put(tp, stop);
            }
        }
        List<DeadLetter> records = new ArrayList<>();
        if (starts.isEmpty()) {
            return records;
        }
        try {
            consumer.assign(starts.keySet());
            starts.forEach(consumer::seek);
            Set<TopicPartition> pending = new HashSet<>(starts.keySet());
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!pending.isEmpty()) {
                boolean progress = false;
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                    progress = true;
                    if (record.offset() >= starts.get(tp) && record.offset() < stops.get(tp)) {
                        records.add(DeadLetter.of(record));
                    }
                }
                for (TopicPartition tp : List.copyOf(pending)) {
                    if (consumer.position(tp) >= stops.get(tp)) {
                        pending.remove(tp);
                        consumer.pause(List.of(tp));
                        progress = true;
                    }
                }
                if (progress) {
                    deadline = System.nanoTime() + timeout.toNanos();
                } else if (System.nanoTime() - deadline > 0) {
                    throw new TimeoutException("reading stopped short of the end of "
                            + pending);
                }
            }
        } catch (KafkaException e) {
            throw DeadLetterKafkaException.of("reading " + starts.keySet(), bootstrapServers, timeout, e);
        } finally {
            consumer.assign(List.of());
        }
        records.sort(Comparator.comparing(DeadLetter::id));
        return records;
    }

    @Override
    public void close() {
        consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    }
}
