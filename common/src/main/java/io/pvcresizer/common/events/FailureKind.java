package io.pvcresizer.common.events;

/** How a failed step should be treated: retried, reported, or refused for good. */
public enum FailureKind {
    /** May succeed when tried again (timeouts, a backend down, contention); retried with backoff. */
    TRANSIENT,
    /** Failed and will fail the same way until something outside changes; reported, retried slowly. */
    FINAL,
    /** Can never succeed as asked (shrink, unknown filesystem, missing volume); reported, never retried. */
    INFEASIBLE
}
