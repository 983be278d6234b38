package io.pvcresizer.common.failure;

import io.pvcresizer.common.events.FailureKind;

/** A transient resize failure: the only kind the Kafka error handlers retry with backoff. */
public class TransientResizeException extends ResizeException {

    public TransientResizeException(String reason, String message, Throwable cause) {
        super(FailureKind.TRANSIENT, reason, message, cause);
    }
}
