package io.pvcresizer.common.failure;

import io.pvcresizer.common.events.FailureKind;
import java.util.Objects;

/**
 * A step that failed for a catalogued {@link Reason}, whose kind decides, through {@link FailureHandling}, whether it
 * is retried; the reason's code ends up in the failure event, the PVC condition and event, and the dead-letter headers.
 */
public class ResizeException extends RuntimeException {

    private final Reason reason;

    public ResizeException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public ResizeException(Reason reason, String message) {
        this(reason, message, null);
    }

    /** The kind of the reason: whether this failure may pass when tried again. */
    public FailureKind kind() {
        return reason.kind();
    }

    /** The reason's code, as it travels ({@code VolumeNotFound}). */
    public String reason() {
        return reason.code();
    }

    /** The catalogued reason itself. */
    public Reason catalogued() {
        return reason;
    }
}
