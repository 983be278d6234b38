package io.pvcresizer.common.events;

/**
 * How full a volume mounted on a node is, reported by its node agent every interval (for auto-expansion).
 *
 * <p>{@code header.volume} carries the PV name; namespace and claim name are empty (the agent does not know the claim).
 *
 * @param header      common event fields
 * @param nodeName    the node the volume is mounted on
 * @param podUid      the pod whose mount was measured
 * @param totalBytes  filesystem size ({@code statfs})
 * @param usedBytes   bytes in use
 * @param totalInodes inodes in the filesystem (0 where the filesystem has no fixed number)
 * @param usedInodes  inodes in use
 */
public record VolumeUsageReported(
        EventHeader header, String nodeName, String podUid, long totalBytes, long usedBytes, long totalInodes,
        long usedInodes) implements ResizeEvent {

    public static final String TYPE = "VolumeUsageReported";
}
