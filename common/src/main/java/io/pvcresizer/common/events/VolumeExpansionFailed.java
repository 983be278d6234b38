package io.pvcresizer.common.events;

/**
 * The backend could not grow the volume.
 *
 * @param header      common event fields
 * @param targetBytes the size asked for
 * @param kind        transient (retries exhausted), final or infeasible
 * @param reason      a short machine-readable cause ({@code VolumeNotFound}, {@code CephUnavailable}; see {@code Reason})
 * @param message     what went wrong, for the PVC event an operator reads
 */
public record VolumeExpansionFailed(EventHeader header, long targetBytes, FailureKind kind, String reason, String message)
        implements VolumeResult {

    public static final String TYPE = "VolumeExpansionFailed";
}
