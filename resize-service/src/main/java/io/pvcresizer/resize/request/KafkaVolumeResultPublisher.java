package io.pvcresizer.resize.request;

import io.pvcresizer.common.events.VolumeResult;
import io.pvcresizer.common.failure.ResizeException;
import io.pvcresizer.common.topics.Topics;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.kafka.core.KafkaTemplate;

/** Publishes volume results to {@code pvc-resize.volume-results} and waits for the broker's acknowledgement. */
public class KafkaVolumeResultPublisher implements VolumeResultPublisher {

    static final String REASON_NOT_PUBLISHED = "ResultNotPublished";

    private final KafkaTemplate<String, Object> kafkaTemplate;
    private final Duration timeout;

    public KafkaVolumeResultPublisher(KafkaTemplate<String, Object> kafkaTemplate, Duration timeout) {
        this.kafkaTemplate = kafkaTemplate;
        this.timeout = timeout;
    }

    @Override
    public void publish(VolumeResult result) {
        String topic = Topics.VOLUME_RESULTS.name();
        try {
            kafkaTemplate.send(topic, result.volume().pvName(), result).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw notPublished(result, topic, "interrupted", e);
        } catch (ExecutionException e) {
            throw notPublished(result, topic, String.valueOf(e.getCause()), e.getCause());
        } catch (TimeoutException e) {
            throw notPublished(result, topic, "no acknowledgement within " + timeout.toMillis() + " ms", e);
        }
    }

    private static ResizeException notPublished(VolumeResult result, String topic, String why, Throwable cause) {
        return ResizeException.transientFailure(REASON_NOT_PUBLISHED,
                "could not publish " + result.getClass().getSimpleName() + " of " + result.volume().pvName() + " to "
                        + topic + ": " + why, cause);
    }
}
