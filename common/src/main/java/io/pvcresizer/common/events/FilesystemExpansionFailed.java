package io.pvcresizer.common.events;

/**
 * The node agent could not grow the filesystem.
 *
 * @param header      common event fields
 * @param nodeName    the node that tried
 * @param targetBytes the size asked for
 * @param kind        transient (retries exhausted), final or infeasible
 * @param reason      a short machine-readable cause ({@code UnknownFilesystem}, {@code VolumeNotOnNode}; see {@code Reason})
 * @param message     what went wrong, for the PVC event an operator reads
 */
public record FilesystemExpansionFailed(
        EventHeader header, String nodeName, long targetBytes, FailureKind kind, String reason, String message)
        implements NodeResult {

    public static final String TYPE = "FilesystemExpansionFailed";
}
