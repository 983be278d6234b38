package io.pvcresizer.demo;

import io.pvcresizer.common.events.FilesystemExpanded;
import io.pvcresizer.common.events.FilesystemExpansionFailed;
import io.pvcresizer.common.events.FilesystemExpansionRequested;
import io.pvcresizer.common.events.ResizeEvent;
import io.pvcresizer.common.events.VolumeExpanded;
import io.pvcresizer.common.events.VolumeExpansionFailed;
import io.pvcresizer.common.events.VolumeExpansionRequested;
import io.pvcresizer.common.kafka.EventCodec;
import io.pvcresizer.common.quantity.StorageQuantities;
import io.pvcresizer.common.topics.Topic;
import io.pvcresizer.common.topics.Topics;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Follows every pvc-resizer topic and prints each event as it arrives: the resize as anyone can follow it on Kafka. */
final class StagePrinter implements AutoCloseable {

    private final KafkaConsumer<String, byte[]> consumer;
    private final PrintStream out;
    private final EventCodec codec = new EventCodec();
    private final Thread thread;
    private volatile boolean running = true;

    StagePrinter(String bootstrapServers, PrintStream out) {
        this.out = out;
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "demo-printer-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.METADATA_MAX_AGE_CONFIG, 1000), new StringDeserializer(), new ByteArrayDeserializer());
        List<String> topics = new ArrayList<>();
        for (Topic<?> topic : Topics.ALL) {
            topics.add(topic.name());
            topics.add(topic.deadLetterName());
        }
        consumer.subscribe(topics);
        thread = new Thread(this::run, "demo-stage-printer");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    out.println("[kafka] " + describe(record));
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close();
        }
    }

    private String describe(ConsumerRecord<String, byte[]> record) {
        String where = String.format("%-27s key=%-8s ", record.topic(), record.key());
        if (record.topic().endsWith(Topic.DLT_SUFFIX)) {
            return where + "dead letter";
        }
        ResizeEvent event;
        try {
            event = codec.decode(record.value());
        } catch (RuntimeException e) {
            return where + "unreadable record: " + e.getMessage();
        }
        String what;
        if (event instanceof VolumeExpansionRequested r) {
            what = "grow " + r.driver() + " volume " + r.volume().pvName() + " " + size(r.currentBytes()) + " -> " + size(r.targetBytes());
        } else if (event instanceof VolumeExpanded r) {
            what = "backend grew it to " + size(r.newSizeBytes()) + (r.nodeExpansionRequired() ? ", node step needed" : ", done");
        } else if (event instanceof VolumeExpansionFailed r) {
            what = r.kind() + " " + r.reason() + ": " + r.message();
        } else if (event instanceof FilesystemExpansionRequested r) {
            what = "grow the " + (r.fsType().isBlank() ? "" : r.fsType() + " ") + "filesystem on " + r.nodeName() + " (pod " + r.podName() + ")";
        } else if (event instanceof FilesystemExpanded r) {
            what = r.fsType() + " grown " + (r.online() ? "online" : "offline") + ", statfs " + size(r.filesystemBytes());
        } else if (event instanceof FilesystemExpansionFailed r) {
            what = r.kind() + " " + r.reason() + ": " + r.message();
        } else {
            what = "";
        }
        return where + String.format("%-28s %s", event.getClass().getSimpleName(), what);
    }

    private static String size(long bytes) {
        return bytes % (1024 * 1024) == 0 ? StorageQuantities.format(bytes) : (bytes / (1024 * 1024)) + "Mi";
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(3000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
