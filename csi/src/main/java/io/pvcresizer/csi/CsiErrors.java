package io.pvcresizer.csi;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.pvcresizer.common.failure.Reason;
import io.pvcresizer.common.failure.ResizeException;
import java.util.Locale;

/**
 * Classifies a CSI call's gRPC status once, as the Kubernetes CSI resizer does, by giving each code its
 * {@link Reason}: what can never succeed as asked ({@code InvalidArgument}, {@code OutOfRange}, {@code NotFound}) is
 * infeasible, what may still be running in the driver ({@code DeadlineExceeded}, {@code Aborted}, {@code Unavailable},
 * {@code ResourceExhausted}, {@code Cancelled}) is transient (the same target is asked again), a volume the driver
 * cannot grow while in use ({@code FailedPrecondition}) waits for its pods to leave, and everything else is final.
 */
public final class CsiErrors {

    private CsiErrors() {
    }

    /** The reason for gRPC code {@code code}: {@code CsiOutOfRange}, {@code CsiUnavailable}, ..., or {@code VolumeInUse}. */
    public static Reason reasonOf(Status.Code code) {
        if (code == Status.Code.FAILED_PRECONDITION) {
            return Reason.VOLUME_IN_USE;
        }
        StringBuilder reason = new StringBuilder("Csi");
        for (String word : code.name().split("_")) {
            reason.append(word.charAt(0)).append(word.substring(1).toLowerCase(Locale.ROOT));
        }
        return Reason.ofCode(reason.toString())
                .orElseThrow(() -> new IllegalStateException("no reason in the catalogue for gRPC code " + code));
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
        return new ResizeException(reasonOf(status.getCode()), message, e);
    }

    /** {@code rpc error: code = NotFound desc = ...}, as Go's gRPC prints a status. */
    public static String rpcError(Status status) {
        String code = switch (status.getCode()) {
            case FAILED_PRECONDITION -> "FailedPrecondition";
            case CANCELLED -> "Canceled";
            default -> reasonOf(status.getCode()).code().substring("Csi".length());
        };
        return "rpc error: code = " + code + " desc = " + (status.getDescription() == null ? "" : status.getDescription());
    }
}
