package io.pvcresizer.common.testing;

import io.pvcresizer.common.events.ResizeEvent;
import io.pvcresizer.common.kafka.EventCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Test support: reads every record of some topics from the beginning in the background, for assertions with Awaitility. */
public class RecordingConsumer implements AutoCloseable {

    private final KafkaConsumer<String, byte[]> consumer;
    private final List<ConsumerRecord<String, byte[]>> records = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private final EventCodec codec = new EventCodec();
    private volatile boolean running = true;

    public RecordingConsumer(String bootstrapServers, Collection<String> topics) {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "test-recorder-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.METADATA_MAX_AGE_CONFIG, 1000),
                new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.copyOf(topics));
        thread = new Thread(this::poll, "recording-consumer");
        thread.setDaemon(true);
        thread.start();
    }

    private void poll() {
        try {
            while (running) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close();
        }
    }

    /** Every record seen on {@code topic}, in arrival order. */
    public List<ConsumerRecord<String, byte[]>> records(String topic) {
        return records.stream().filter(r -> r.topic().equals(topic)).toList();
    }

    /** The events seen on {@code topic} of the given type. */
    public <T extends ResizeEvent> List<T> events(String topic, Class<T> type) {
        List<T> events = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : records(topic)) {
            try {
                ResizeEvent event = codec.decode(record.value());
                if (type.isInstance(event)) {
                    events.add(type.cast(event));
                }
            } catch (RuntimeException e) {
                // not an event (a poison record): skipped here
            }
        }
        return events;
    }

    /** The value of the last header {@code name} of a record, as text, or null. */
    public static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
