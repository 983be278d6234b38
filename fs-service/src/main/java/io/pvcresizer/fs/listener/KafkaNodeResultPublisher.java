package io.pvcresizer.fs.listener;

import io.pvcresizer.common.events.EventHeader;
import io.pvcresizer.common.events.FailureKind;
import io.pvcresizer.common.events.FilesystemExpanded;
import io.pvcresizer.common.events.FilesystemExpansionFailed;
import io.pvcresizer.common.events.FilesystemExpansionRequested;
import io.pvcresizer.common.events.NodeResult;
import io.pvcresizer.common.failure.ResizeException;
import io.pvcresizer.common.topics.Topics;
import io.pvcresizer.fs.grow.GrowthResult;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.kafka.core.KafkaTemplate;

/** Publishes node results with the shared {@link KafkaTemplate}, waiting for the broker's acknowledgement of each. */
public class KafkaNodeResultPublisher implements NodeResultPublisher {

    public static final String REASON_NOT_PUBLISHED = "ResultNotPublished";

    private final KafkaTemplate<String, Object> kafkaTemplate;
    private final String nodeName;
    private final Duration timeout;

    public KafkaNodeResultPublisher(KafkaTemplate<String, Object> kafkaTemplate, String nodeName, Duration timeout) {
        this.kafkaTemplate = Objects.requireNonNull(kafkaTemplate, "kafkaTemplate");
        this.nodeName = Objects.requireNonNull(nodeName, "nodeName");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    @Override
    public void expanded(FilesystemExpansionRequested request, GrowthResult result) {
        send(new FilesystemExpanded(header(request), nodeName, request.targetBytes(), result.filesystemBytes(),
                result.fsType(), result.online()));
    }

    @Override
    public void failed(FilesystemExpansionRequested request, FailureKind kind, String reason, String message) {
        send(new FilesystemExpansionFailed(header(request), nodeName, request.targetBytes(), kind, reason, message));
    }

    private static EventHeader header(FilesystemExpansionRequested request) {
        return EventHeader.next(request.operationId(), request.volume());
    }

    private void send(NodeResult result) {
        String topic = Topics.NODE_RESULTS.name();
        try {
            kafkaTemplate.send(topic, nodeName, result).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ResizeException.transientFailure(REASON_NOT_PUBLISHED, "interrupted while publishing to " + topic, e);
        } catch (ExecutionException e) {
            throw ResizeException.transientFailure(REASON_NOT_PUBLISHED,
                    "could not publish to " + topic + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw ResizeException.transientFailure(REASON_NOT_PUBLISHED,
                    "Kafka did not acknowledge the result on " + topic + " within " + timeout.toMillis() + " ms", e);
        }
    }
}
