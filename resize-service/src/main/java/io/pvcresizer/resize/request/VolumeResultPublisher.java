package io.pvcresizer.resize.request;

import io.pvcresizer.common.events.VolumeResult;

/** Publishes the outcome of a volume expansion for the watcher, keyed by the PV name. */
@FunctionalInterface
public interface VolumeResultPublisher {

    /**
     * Publishes the result and returns once it is stored, so that the request's offset is committed only after it.
     *
     * @throws io.pvcresizer.common.failure.ResizeException transient {@code EventNotPublished} when it could not be
     *                                                      stored in time
     */
    void publish(VolumeResult result);
}
