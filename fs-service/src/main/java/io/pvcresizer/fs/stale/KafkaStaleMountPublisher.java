package io.pvcresizer.fs.stale;

import io.pvcresizer.common.events.StaleMountDetected;
import io.pvcresizer.common.topics.Topics;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.kafka.core.KafkaTemplate;

/** Publishes {@link StaleMountDetected} to {@link Topics#NODE_EVENTS} with the shared template, keyed by node name. */
public class KafkaStaleMountPublisher implements StaleMountPublisher {

    private final KafkaTemplate<String, Object> kafkaTemplate;
    private final Duration timeout;

    public KafkaStaleMountPublisher(KafkaTemplate<String, Object> kafkaTemplate, Duration timeout) {
        this.kafkaTemplate = Objects.requireNonNull(kafkaTemplate, "kafkaTemplate");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    @Override
    public void publish(StaleMountDetected event) {
        String topic = Topics.NODE_EVENTS.name();
        try {
            kafkaTemplate.send(topic, event.nodeName(), event).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing to " + topic, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not publish to " + topic + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not acknowledge the event on " + topic + " within "
                    + timeout.toMillis() + " ms", e);
        }
    }
}
