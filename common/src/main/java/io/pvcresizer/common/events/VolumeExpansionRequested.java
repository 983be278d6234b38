package io.pvcresizer.common.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * The watcher asks the volume's backend to grow it to {@code targetBytes}.
 *
 * @param header           common event fields
 * @param driver           CSI driver or provisioner name of the PV, which selects the backend
 * @param volumeHandle     the backend's id of the volume (CSI {@code volumeHandle})
 * @param volumeAttributes the PV's CSI volume attributes (e.g. ceph-csi {@code pool}, {@code imageName})
 * @param volumeMode       Filesystem or Block
 * @param currentBytes     the PVC's {@code status.capacity} when the resize started
 * @param targetBytes      the absolute size asked for
 * @param targetQuantity   the size as the user wrote it ({@code 640Mi})
 * @param csi              what a CSI driver's {@code ControllerExpandVolume} needs besides the handle; null for
 *                         volumes that are not CSI
 */
public record VolumeExpansionRequested(
        EventHeader header,
        String driver,
        String volumeHandle,
        Map<String, String> volumeAttributes,
        VolumeMode volumeMode,
        long currentBytes,
        long targetBytes,
        String targetQuantity,
        @JsonInclude(JsonInclude.Include.NON_NULL) CsiVolume csi) implements ResizeEvent {

    public static final String TYPE = "VolumeExpansionRequested";

    public VolumeExpansionRequested {
        volumeAttributes = volumeAttributes == null ? Map.of() : Map.copyOf(volumeAttributes);
    }

    /** A request without CSI details (the Ceph CLI and local-file backends need none). */
    public VolumeExpansionRequested(EventHeader header, String driver, String volumeHandle,
            Map<String, String> volumeAttributes, VolumeMode volumeMode, long currentBytes, long targetBytes,
            String targetQuantity) {
        this(header, driver, volumeHandle, volumeAttributes, volumeMode, currentBytes, targetBytes, targetQuantity, null);
    }
}
