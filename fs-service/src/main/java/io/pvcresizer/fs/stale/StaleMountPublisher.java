package io.pvcresizer.fs.stale;

import io.pvcresizer.common.events.StaleMountDetected;

/** Tells the watcher about a stale mount, on {@code pvc-resize.node-events}, keyed by this node's name. */
@FunctionalInterface
public interface StaleMountPublisher {

    /**
     * Publishes the event and waits until Kafka has it.
     *
     * @throws RuntimeException when it was not taken in time; the scanner sends it again at its next scan
     */
    void publish(StaleMountDetected event);
}
