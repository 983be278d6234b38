package io.pvcresizer.csi;

import io.pvcresizer.csi.v1.ControllerExpandVolumeRequest;
import io.pvcresizer.csi.v1.ControllerExpandVolumeResponse;
import io.pvcresizer.csi.v1.ControllerGetCapabilitiesResponse;
import io.pvcresizer.csi.v1.GetPluginCapabilitiesResponse;
import io.pvcresizer.csi.v1.GetPluginInfoResponse;
import io.pvcresizer.csi.v1.NodeExpandVolumeRequest;
import io.pvcresizer.csi.v1.NodeExpandVolumeResponse;
import io.pvcresizer.csi.v1.NodeGetCapabilitiesResponse;

/**
 * The CSI calls pvc-resizer makes on a driver; {@link CsiConnection} makes them over gRPC, tests pass a fake.
 * Each call throws {@link io.grpc.StatusRuntimeException} with the driver's status when it fails.
 */
public interface CsiDriverPort {

    /** {@code Identity.GetPluginInfo}. */
    GetPluginInfoResponse pluginInfo();

    /** {@code Identity.GetPluginCapabilities}. */
    GetPluginCapabilitiesResponse pluginCapabilities();

    /** {@code Controller.ControllerGetCapabilities}. */
    ControllerGetCapabilitiesResponse controllerCapabilities();

    /** {@code Controller.ControllerExpandVolume}. */
    ControllerExpandVolumeResponse controllerExpand(ControllerExpandVolumeRequest request);

    /** {@code Node.NodeGetCapabilities}. */
    NodeGetCapabilitiesResponse nodeCapabilities();

    /** {@code Node.NodeExpandVolume}. */
    NodeExpandVolumeResponse nodeExpand(NodeExpandVolumeRequest request);
}
