package io.pvcresizer.fs.usage;

import io.pvcresizer.common.events.VolumeUsageReported;
import io.pvcresizer.common.topics.Topics;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.springframework.kafka.core.KafkaTemplate;

/** Publishes usage reports to {@code pvc-resize.volume-usage}, keyed by PV name, without waiting for the broker. */
public class KafkaUsagePublisher implements UsagePublisher {

    private final KafkaTemplate<String, Object> kafkaTemplate;

    public KafkaUsagePublisher(KafkaTemplate<String, Object> kafkaTemplate) {
        this.kafkaTemplate = Objects.requireNonNull(kafkaTemplate, "kafkaTemplate");
    }

    @Override
    public CompletableFuture<?> publish(VolumeUsageReported report) {
        try {
            return kafkaTemplate.send(Topics.VOLUME_USAGE.name(), report.header().volume().pvName(), report);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
