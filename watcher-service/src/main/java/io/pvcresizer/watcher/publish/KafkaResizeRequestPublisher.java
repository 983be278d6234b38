package io.pvcresizer.watcher.publish;

import io.pvcresizer.common.events.FilesystemExpansionRequested;
import io.pvcresizer.common.events.VolumeExpansionRequested;
import io.pvcresizer.common.kafka.TopicPublisher;
import io.pvcresizer.common.topics.Topic;
import io.pvcresizer.common.topics.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * {@link ResizeRequestPublisher} on Kafka: volume requests on the topic of the volume's driver (a resize-service sidecar
 * per driver) or the shared one, and node requests, each through the one publisher of its topic.
 */
public class KafkaResizeRequestPublisher implements ResizeRequestPublisher {

    private final TopicPublisher<VolumeExpansionRequested> volumeRequests;
    private final Map<String, TopicPublisher<VolumeExpansionRequested>> volumeRequestsByDriver = new HashMap<>();
    private final TopicPublisher<FilesystemExpansionRequested> nodeRequests;

    /**
     * @param topicByDriver driver → volume request topic; other drivers use {@link Topics#VOLUME_REQUESTS}
     * @throws IllegalArgumentException when a topic is not a legal Kafka topic name
     */
    public KafkaResizeRequestPublisher(KafkaTemplate<String, Object> kafka, Duration timeout, Map<String, String> topicByDriver) {
        Function<Topic<VolumeExpansionRequested>, TopicPublisher<VolumeExpansionRequested>> publisher =
                topic -> new TopicPublisher<>(kafka, topic, timeout);
        this.volumeRequests = publisher.apply(Topics.VOLUME_REQUESTS);
        topicByDriver.forEach((driver, topic) ->
                volumeRequestsByDriver.put(driver, publisher.apply(Topics.volumeRequests(topic))));
        this.nodeRequests = new TopicPublisher<>(kafka, Topics.NODE_REQUESTS, timeout);
    }

    @Override
    public void requestVolumeExpansion(VolumeExpansionRequested request) {
        TopicPublisher<VolumeExpansionRequested> own =
                request.driver() == null ? null : volumeRequestsByDriver.get(request.driver());
        (own == null ? volumeRequests : own).publish(request);
    }

    @Override
    public void requestFilesystemExpansion(FilesystemExpansionRequested request) {
        nodeRequests.publish(request);
    }
}
