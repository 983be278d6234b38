package io.pvcresizer.tools.faultsuite;

import io.pvcresizer.common.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Delivers every request twice: copies each new record of the volume and node request topics, byte for byte, to the
 * same partition, as a producer retry or a consumer that lost its offsets would.
 */
public final class DuplicateDelivery implements AutoCloseable {

    private static final String COPY_HEADER = "fault-suite-copy";

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Thread thread;
    private final AtomicInteger copies = new AtomicInteger();
    private volatile boolean running = true;

    private DuplicateDelivery(String bootstrapServers) {
        Properties consumerConfig = new Properties();
        consumerConfig.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumer = new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        Properties producerConfig = new Properties();
        producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(producerConfig, new ByteArraySerializer(), new ByteArraySerializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(Topics.VOLUME_REQUESTS.name(), Topics.NODE_REQUESTS.name())) {
            consumer.partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        thread = new Thread(this::copyLoop, "duplicate-delivery");
        thread.setDaemon(true);
    }

    /** Starts copying records written from now on. */
    public static DuplicateDelivery start(String bootstrapServers) {
        DuplicateDelivery delivery = new DuplicateDelivery(bootstrapServers);
        delivery.thread.start();
        return delivery;
    }

    private void copyLoop() {
        while (running) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                if (record.headers().lastHeader(COPY_HEADER) != null) {
                    continue;
                }
                ProducerRecord<byte[], byte[]> copy = new ProducerRecord<>(record.topic(), record.partition(), record.key(),
                        record.value(), record.headers());
                copy.headers().add(COPY_HEADER, "1".getBytes(StandardCharsets.UTF_8));
                producer.send(copy);
                copies.incrementAndGet();
            }
        }
    }

    /** How many records were delivered a second time. */
    public int copies() {
        return copies.get();
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(5));
        consumer.close(Duration.ofSeconds(5));
    }
}
