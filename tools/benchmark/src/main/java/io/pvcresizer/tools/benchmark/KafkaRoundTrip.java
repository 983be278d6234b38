package io.pvcresizer.tools.benchmark;

import io.pvcresizer.common.events.EventHeader;
import io.pvcresizer.common.events.VolumeExpansionRequested;
import io.pvcresizer.common.events.VolumeMode;
import io.pvcresizer.common.events.VolumeRef;
import io.pvcresizer.common.kafka.EventCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Measures the raw Kafka hop on the benchmark's broker: one event-sized record at a time produced with the services'
 * producer settings (acks=all, idempotence, linger 5 ms) and consumed by a plain consumer polling its partition, the
 * time from {@code send} to the record in hand.
 */
public final class KafkaRoundTrip {

    /** The topic of the measurement, apart from pvc-resizer's own. */
    public static final String TOPIC = "pvc-resizer-bench.round-trip";

    private static final int WARM_UP = 100;
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    private KafkaRoundTrip() {
    }

    /** {@code samples} round trips after a warm-up, each in milliseconds. */
    public static Percentiles measure(String bootstrapServers, int samples) throws Exception {
        createTopic(bootstrapServers);
        byte[] payload = new EventCodec().encode(sampleEvent());
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 5), new StringSerializer(), new ByteArraySerializer());
             KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                     ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                     ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                     ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                     new StringDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition partition = new TopicPartition(TOPIC, 0);
            consumer.assign(List.of(partition));
            consumer.seekToEnd(List.of(partition));
            consumer.position(partition);
            List<Double> millis = new ArrayList<>();
            for (int i = 0; i < WARM_UP + samples; i++) {
                String key = "pv-" + i;
                long sent = System.nanoTime();
                producer.send(new ProducerRecord<>(TOPIC, key, payload));
                awaitRecord(consumer, key);
                if (i >= WARM_UP) {
                    millis.add((System.nanoTime() - sent) / 1e6);
                }
            }
            return Percentiles.of(millis);
        }
    }

    private static void awaitRecord(KafkaConsumer<String, byte[]> consumer, String key) throws TimeoutException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                if (key.equals(record.key())) {
                    return;
                }
            }
        }
        throw new TimeoutException("record " + key + " did not come back within " + PATIENCE.toSeconds() + " s");
    }

    private static void createTopic(String bootstrapServers) throws InterruptedException, ExecutionException, TimeoutException {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            if (!admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(TOPIC)) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            }
        }
    }

    /** A request event as the watcher publishes it, so that the records have the size of the pipeline's. */
    private static VolumeExpansionRequested sampleEvent() {
        VolumeRef volume = new VolumeRef("default", "bench-0000", "6b1f7f3e-3c1e-4d7a-9a43-6c1c1c1c1c1c", "pv-bench-0000");
        return new VolumeExpansionRequested(EventHeader.next("6b1f7f3e-3c1e-4d7a-9a43-6c1c1c1c1c1c/2147483648", volume),
                "bench.pvc-resizer.io", "bench-0000", Map.of(), VolumeMode.Filesystem, 1L << 30, 2L << 30, "2Gi");
    }
}
