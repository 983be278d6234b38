package io.pvcresizer.csi;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.pvcresizer.common.events.FailureKind;
import io.pvcresizer.common.failure.ResizeException;
import io.pvcresizer.common.kubernetes.ResizeConditions;
import java.util.Locale;
import java.util.Set;

/**
 * Classifies a CSI call's gRPC status once, as the Kubernetes CSI resizer does: what can never succeed as asked is
 * infeasible, what may still be running in the driver is transient (the same target is asked again), a volume the
 * driver cannot grow while in use waits for its pods to leave, and everything else is final.
 */
public final class CsiErrors {

    /** The condition reason of a {@code FAILED_PRECONDITION} answer: an offline driver refused a volume in use. */
    public static final String REASON_VOLUME_IN_USE = ResizeConditions.REASON_VOLUME_IN_USE;

    private static final Set<Status.Code> INFEASIBLE =
            Set.of(Status.Code.INVALID_ARGUMENT, Status.Code.OUT_OF_RANGE, Status.Code.NOT_FOUND);

    /** The driver may still be working on it (a timeout, a pending operation, a restart): ask again, same target. */
    private static final Set<Status.Code> IN_FLIGHT = Set.of(Status.Code.DEADLINE_EXCEEDED, Status.Code.ABORTED,
            Status.Code.UNAVAILABLE, Status.Code.RESOURCE_EXHAUSTED, Status.Code.CANCELLED);

    private CsiErrors() {
    }

    /** How a failure with gRPC code {@code code} is treated. */
    public static FailureKind kindOf(Status.Code code) {
        if (INFEASIBLE.contains(code)) {
            return FailureKind.INFEASIBLE;
        }
        if (IN_FLIGHT.contains(code)) {
            return FailureKind.TRANSIENT;
        }
        return FailureKind.FINAL;
    }

    /** The condition reason for gRPC code {@code code}: {@code CsiOutOfRange}, {@code CsiUnavailable}, ... */
    public static String reasonOf(Status.Code code) {
        if (code == Status.Code.FAILED_PRECONDITION) {
            return REASON_VOLUME_IN_USE;
        }
        StringBuilder reason = new StringBuilder("Csi");
        for (String word : code.name().split("_")) {
            reason.append(word.charAt(0)).append(word.substring(1).toLowerCase(Locale.ROOT));
        }
        return reason.toString();
    }

    /**
     * The failure of {@code call} on {@code volumeId} as a {@link ResizeException} with the driver's words, in the
     * form Kubernetes users know from the CSI sidecars ({@code rpc error: code = OutOfRange desc = ...}).
     */
    public static ResizeException toResizeException(String call, String driver, String volumeId, StatusRuntimeException e) {
        Status status = e.getStatus();
        String message = call + " of volume " + volumeId + " by driver " + driver + " failed: " + rpcError(status);
        if (status.getCode() == Status.Code.FAILED_PRECONDITION) {
            message += " (the driver grows this volume only while no pod uses it)";
        }
        return new ResizeException(kindOf(status.getCode()), reasonOf(status.getCode()), message, e);
    }

    /** {@code rpc error: code = NotFound desc = ...}, as Go's gRPC prints a status. */
    public static String rpcError(Status status) {
        String code = reasonOf(status.getCode()).equals(REASON_VOLUME_IN_USE) ? "FailedPrecondition"
                : reasonOf(status.getCode()).substring("Csi".length());
        if (status.getCode() == Status.Code.CANCELLED) {
            code = "Canceled";
        }
        return "rpc error: code = " + code + " desc = " + (status.getDescription() == null ? "" : status.getDescription());
    }
}
