package io.pvcresizer.common.failure;

/**
 * Marks a failure that is about the record itself (unreadable, or not an event its topic carries), not about the step
 * it asks for: no retry and no failure event can help it, so {@link FailureHandling} dead-letters it at once.
 */
public interface RecordRejected {
}
