package io.pvcresizer.common.failure;

import io.pvcresizer.common.events.FailureKind;

/**
 * A resize step that failed, with its {@link FailureKind} deciding whether it is retried, and a short reason code
 * that ends up in the failure event and the PVC event.
 */
public class ResizeException extends RuntimeException {

    private final FailureKind kind;
    private final String reason;

    public ResizeException(FailureKind kind, String reason, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.reason = reason;
    }

    public ResizeException(FailureKind kind, String reason, String message) {
        this(kind, reason, message, null);
    }

    /** A failure that may pass when tried again. */
    public static ResizeException transientFailure(String reason, String message, Throwable cause) {
        return new TransientResizeException(reason, message, cause);
    }

    /** A failure that will repeat until something outside changes. */
    public static ResizeException finalFailure(String reason, String message) {
        return new ResizeException(FailureKind.FINAL, reason, message);
    }

    /** A resize that can never succeed as asked. */
    public static ResizeException infeasible(String reason, String message) {
        return new ResizeException(FailureKind.INFEASIBLE, reason, message);
    }

    public FailureKind kind() {
        return kind;
    }

    public String reason() {
        return reason;
    }
}
