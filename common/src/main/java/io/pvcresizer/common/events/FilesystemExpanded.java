package io.pvcresizer.common.events;

/**
 * The node agent grew the filesystem (or found it already grown).
 *
 * @param header          common event fields
 * @param nodeName        the node that did the work
 * @param targetBytes     the size asked for
 * @param filesystemBytes the filesystem size measured after growing ({@code statfs}, or the fs superblock when unmounted)
 * @param fsType          the filesystem type found on the device
 * @param online          whether it was grown while mounted
 */
public record FilesystemExpanded(
        EventHeader header, String nodeName, long targetBytes, long filesystemBytes, String fsType, boolean online)
        implements NodeResult {

    public static final String TYPE = "FilesystemExpanded";
}
