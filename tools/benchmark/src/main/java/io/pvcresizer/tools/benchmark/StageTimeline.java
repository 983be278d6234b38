package io.pvcresizer.tools.benchmark;

import io.pvcresizer.common.events.FilesystemExpanded;
import io.pvcresizer.common.events.FilesystemExpansionRequested;
import io.pvcresizer.common.events.ResizeEvent;
import io.pvcresizer.common.events.VolumeExpanded;
import io.pvcresizer.common.events.VolumeExpansionRequested;
import io.pvcresizer.common.kafka.EventCodec;
import io.pvcresizer.common.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the four topics of a resize as any consumer can and keeps, per claim, the {@code header.occurredAt} of the
 * first event of each step: requested, volume expanded, node requested, filesystem expanded.
 */
public final class StageTimeline implements AutoCloseable {

    /** The steps of a resize with a node stage, in order, as their event types. */
    public enum Step {
        VOLUME_REQUESTED(VolumeExpansionRequested.class),
        VOLUME_EXPANDED(VolumeExpanded.class),
        NODE_REQUESTED(FilesystemExpansionRequested.class),
        FILESYSTEM_EXPANDED(FilesystemExpanded.class);

        private final Class<? extends ResizeEvent> type;

        Step(Class<? extends ResizeEvent> type) {
            this.type = type;
        }

        static Step of(ResizeEvent event) {
            for (Step step : values()) {
                if (step.type.isInstance(event)) {
                    return step;
                }
            }
            return null;
        }
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final EventCodec codec = new EventCodec();
    private final Map<String, Map<Step, Instant>> byClaim = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    public StageTimeline(String bootstrapServers) {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "bench-stage-timeline-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                // the services create the topics with their partition counts: a subscription must not create them first
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false,
                ConsumerConfig.METADATA_MAX_AGE_CONFIG, 1000), new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(Topics.VOLUME_REQUESTS_NAME, Topics.VOLUME_RESULTS_NAME, Topics.NODE_REQUESTS_NAME,
                Topics.NODE_RESULTS_NAME));
        thread = new Thread(this::run, "bench-stage-timeline");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    ResizeEvent event;
                    try {
                        event = codec.decode(record.value());
                    } catch (RuntimeException e) {
                        continue;
                    }
                    Step step = Step.of(event);
                    if (step != null) {
                        byClaim.computeIfAbsent(event.volume().pvcName(), k -> new ConcurrentHashMap<>())
                                .putIfAbsent(step, event.header().occurredAt());
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close();
        }
    }

    /** When {@code step} of the claim's resize happened, or null if its event has not been read (yet). */
    public Instant at(String claim, Step step) {
        Map<Step, Instant> steps = byClaim.get(claim);
        return steps == null ? null : steps.get(step);
    }

    /** Waits until every step of {@code claim} has been read, at most {@code patience}; whether they all were. */
    public boolean awaitAll(String claim, Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            Map<Step, Instant> steps = byClaim.get(claim);
            if (steps != null && steps.size() == Step.values().length) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
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
