package io.pvcresizer.common.events;

import com.fasterxml.jackson.annotation.JsonInclude;
/**
 * The watcher asks the node agent of {@code nodeName} to grow the filesystem of a volume used by a pod there.
 *
 * @param header       common event fields
 * @param nodeName     the node whose agent must act (the Kafka key)
 * @param podUid       uid of a pod on that node that uses the volume (locates the kubelet mount)
 * @param podName      that pod's name, for events and logs
 * @param driver       CSI driver or provisioner of the PV
 * @param volumeHandle the backend's id of the volume
 * @param fsType       filesystem type from the PV ({@code xfs}, {@code ext4}); empty when unknown
 * @param volumeMode   Filesystem or Block
 * @param targetBytes  the size the volume now has and the filesystem must reach
 * @param csi          what a CSI node plugin's {@code NodeExpandVolume} needs besides the handle; null for volumes
 *                     that are not CSI
 */
public record FilesystemExpansionRequested(
        EventHeader header,
        String nodeName,
        String podUid,
        String podName,
        String driver,
        String volumeHandle,
        String fsType,
        VolumeMode volumeMode,
        long targetBytes,
        @JsonInclude(JsonInclude.Include.NON_NULL) CsiVolume csi) implements ResizeEvent {

    public static final String TYPE = "FilesystemExpansionRequested";

    /** A request without CSI details (pvc-resizer's own node tools need none). */
    public FilesystemExpansionRequested(EventHeader header, String nodeName, String podUid, String podName, String driver,
            String volumeHandle, String fsType, VolumeMode volumeMode, long targetBytes) {
        this(header, nodeName, podUid, podName, driver, volumeHandle, fsType, volumeMode, targetBytes, null);
    }
}
