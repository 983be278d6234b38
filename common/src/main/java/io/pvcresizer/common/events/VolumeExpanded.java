package io.pvcresizer.common.events;

/**
 * The backend grew the volume.
 *
 * @param header                common event fields
 * @param targetBytes           the size asked for
 * @param newSizeBytes          the size the backend reports now (may be rounded up from the target)
 * @param nodeExpansionRequired whether a filesystem on a node must still be grown
 */
public record VolumeExpanded(EventHeader header, long targetBytes, long newSizeBytes, boolean nodeExpansionRequired)
        implements VolumeResult {

    public static final String TYPE = "VolumeExpanded";
}
