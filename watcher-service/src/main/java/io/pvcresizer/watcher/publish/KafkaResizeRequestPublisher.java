package io.pvcresizer.watcher.publish;

import io.pvcresizer.common.events.FilesystemExpansionRequested;
import io.pvcresizer.common.events.ResizeEvent;
import io.pvcresizer.common.events.VolumeExpansionRequested;
import io.pvcresizer.common.failure.ResizeException;
import io.pvcresizer.common.topics.Topic;
import io.pvcresizer.common.topics.Topics;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * {@link ResizeRequestPublisher} on Kafka: volume requests keyed by PV name, on the topic of the volume's driver (a
 * resize-service sidecar per driver) or the shared one; node requests keyed by node name.
 */
public class KafkaResizeRequestPublisher implements ResizeRequestPublisher {

    private final KafkaTemplate<String, Object> kafka;
    private final Duration timeout;
    private final Map<String, String> topicByDriver;

    /** @param topicByDriver driver → volume request topic; other drivers use {@link Topics#VOLUME_REQUESTS} */
    public KafkaResizeRequestPublisher(KafkaTemplate<String, Object> kafka, Duration timeout, Map<String, String> topicByDriver) {
        this.kafka = kafka;
        this.timeout = timeout;
        this.topicByDriver = Map.copyOf(topicByDriver);
    }

    @Override
    public void requestVolumeExpansion(VolumeExpansionRequested request) {
        String topic = request.driver() == null ? null : topicByDriver.get(request.driver());
        send(topic == null ? Topics.VOLUME_REQUESTS : Topics.volumeRequests(topic), request.volume().pvName(), request);
    }

    @Override
    public void requestFilesystemExpansion(FilesystemExpansionRequested request) {
        send(Topics.NODE_REQUESTS, request.nodeName(), request);
    }

    private void send(Topic<?> topic, String key, ResizeEvent event) {
        try {
            kafka.send(topic.name(), key, event).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ResizeException.transientFailure("PublishInterrupted", "interrupted while publishing to " + topic.name(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw ResizeException.transientFailure("KafkaUnavailable",
                    "could not publish " + event.getClass().getSimpleName() + " to " + topic.name() + ": " + e.getMessage(), e);
        }
    }
}
