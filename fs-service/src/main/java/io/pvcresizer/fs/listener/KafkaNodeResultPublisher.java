package io.pvcresizer.fs.listener;

import io.pvcresizer.common.events.EventHeader;
import io.pvcresizer.common.events.FailureKind;
import io.pvcresizer.common.events.FilesystemExpanded;
import io.pvcresizer.common.events.FilesystemExpansionFailed;
import io.pvcresizer.common.events.FilesystemExpansionRequested;
import io.pvcresizer.common.events.NodeResult;
import io.pvcresizer.common.kafka.TopicPublisher;
import io.pvcresizer.fs.grow.GrowthResult;
import java.util.Objects;

/** Answers node requests with this node's results, through the one publisher of {@code pvc-resize.node-results}. */
public class KafkaNodeResultPublisher implements NodeResultPublisher {

    private final TopicPublisher<NodeResult> results;
    private final String nodeName;

    public KafkaNodeResultPublisher(TopicPublisher<NodeResult> results, String nodeName) {
        this.results = Objects.requireNonNull(results, "results");
        this.nodeName = Objects.requireNonNull(nodeName, "nodeName");
    }

    @Override
    public void expanded(FilesystemExpansionRequested request, GrowthResult result) {
        results.publish(new FilesystemExpanded(header(request), nodeName, request.targetBytes(), result.filesystemBytes(),
                result.fsType(), result.online()));
    }

    @Override
    public void failed(FilesystemExpansionRequested request, FailureKind kind, String reason, String message) {
        results.publish(new FilesystemExpansionFailed(header(request), nodeName, request.targetBytes(), kind, reason,
                message));
    }

    private static EventHeader header(FilesystemExpansionRequested request) {
        return EventHeader.next(request.operationId(), request.volume());
    }
}
