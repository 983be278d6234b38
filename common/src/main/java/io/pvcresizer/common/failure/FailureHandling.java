package io.pvcresizer.common.failure;

import io.pvcresizer.common.events.FailureKind;

/**
 * The one retry rule of pvc-resizer: what a failed step or record leads to, from its {@link FailureKind}, as the
 * Kubernetes CSI resizer lets {@code IsFinalError} / {@code IsInfeasibleError} decide.
 *
 * <p>Every consumer asks here: the listeners (rethrow or publish a failure event), the Kafka error handler (retry with
 * backoff or dead-letter now), resize-service's in-place backend retry, and the watcher's reconcile queue.
 */
public enum FailureHandling {

    /** Try again with backoff: a Kafka listener rethrows, so the error handler retries in place and keeps key order. */
    RETRY,
    /** Done as failed: publish the failure for the watcher (or show it on the claim), commit, never retry here. */
    FAILURE_EVENT,
    /** The record can never be processed: straight to the dead-letter topic, with no retry and no failure event. */
    DEAD_LETTER;

    /** Transient failures are retried; final and infeasible ones are reported as failed and not retried. */
    public static FailureHandling of(FailureKind kind) {
        return switch (kind) {
            case TRANSIENT -> RETRY;
            case FINAL, INFEASIBLE -> FAILURE_EVENT;
        };
    }

    /**
     * What {@code failure} leads to: a rejected record is dead-lettered, a {@link ResizeException} anywhere in the chain
     * is handled by its kind, and anything unclassified is retried (it may pass; when it does not, retries run out).
     */
    public static FailureHandling of(Throwable failure) {
        if (Causes.find(failure, RecordRejected.class) != null) {
            return DEAD_LETTER;
        }
        ResizeException resize = Causes.find(failure, ResizeException.class);
        return resize == null ? RETRY : of(resize.kind());
    }
}
