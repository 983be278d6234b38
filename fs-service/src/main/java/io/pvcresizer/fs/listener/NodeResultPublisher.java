package io.pvcresizer.fs.listener;

import io.pvcresizer.common.events.FailureKind;
import io.pvcresizer.common.events.FilesystemExpansionRequested;
import io.pvcresizer.fs.grow.GrowthResult;

/** Tells the watcher how a node request ended, on {@code pvc-resize.node-results}, keyed by this node's name. */
public interface NodeResultPublisher {

    /**
     * Publishes {@code FilesystemExpanded} and waits until Kafka has it.
     *
     * @throws io.pvcresizer.common.failure.ResizeException transient when Kafka did not take it in time
     */
    void expanded(FilesystemExpansionRequested request, GrowthResult result);

    /**
     * Publishes {@code FilesystemExpansionFailed} and waits until Kafka has it.
     *
     * @throws io.pvcresizer.common.failure.ResizeException transient when Kafka did not take it in time
     */
    void failed(FilesystemExpansionRequested request, FailureKind kind, String reason, String message);
}
