package io.pvcresizer.resize.csi;

import io.grpc.StatusRuntimeException;
import io.pvcresizer.common.events.CsiVolume;
import io.pvcresizer.common.events.VolumeExpansionRequested;
import io.pvcresizer.common.events.VolumeMode;
import io.pvcresizer.common.failure.Reason;
import io.pvcresizer.common.failure.ResizeException;
import io.pvcresizer.csi.CsiDriverPort;
import io.pvcresizer.csi.CsiErrors;
import io.pvcresizer.csi.DriverCapabilities;
import io.pvcresizer.csi.VolumeCapabilities;
import io.pvcresizer.csi.v1.CapacityRange;
import io.pvcresizer.csi.v1.ControllerExpandVolumeRequest;
import io.pvcresizer.csi.v1.ControllerExpandVolumeResponse;
import io.pvcresizer.resize.expansion.ExpansionResult;
import io.pvcresizer.resize.expansion.VolumeExpander;
import java.util.List;
import java.util.Map;

/**
 * Grows a volume of any CSI driver through its controller plugin's {@code ControllerExpandVolume}, as the Kubernetes
 * CSI resizer does: the PV's {@code volumeHandle}, the target as {@code required_bytes}, the volume capability built
 * from the PV, and the controller-expand Secret read just before the call.
 */
public class CsiVolumeExpander implements VolumeExpander {

    /** The backend name to map drivers to. */
    public static final String BACKEND = "csi";

    private final String driver;
    private final CsiDriverPort csi;
    private final SecretReader secrets;
    private volatile DriverCapabilities capabilities;

    public CsiVolumeExpander(String driver, CsiDriverPort csi, SecretReader secrets) {
        this.driver = driver;
        this.csi = csi;
        this.secrets = secrets;
    }

    @Override
    public String backend() {
        return BACKEND;
    }

    /**
     * The driver's capabilities, asked once and kept (a driver's capabilities do not change while it runs).
     *
     * @throws ResizeException transient {@code CsiUnavailable} etc. while the driver does not answer
     */
    public DriverCapabilities capabilities() {
        DriverCapabilities known = capabilities;
        if (known == null) {
            try {
                known = DriverCapabilities.discoverController(csi);
            } catch (StatusRuntimeException e) {
                throw CsiErrors.toResizeException("GetPluginInfo/GetPluginCapabilities/ControllerGetCapabilities", driver, "-", e);
            }
            capabilities = known;
        }
        return known;
    }

    @Override
    public ExpansionResult expand(VolumeExpansionRequested request) {
        DriverCapabilities driverCapabilities = capabilities();
        List<String> missing = driverCapabilities.missingForControllerExpansion(driver);
        if (!missing.isEmpty()) {
            throw new ResizeException(Reason.DRIVER_CANNOT_EXPAND, "the CSI driver at the socket cannot expand volumes of "
                    + driver + ": missing " + String.join("; ", missing));
        }
        CsiVolume details = request.csi();
        if (details == null) {
            throw new ResizeException(Reason.NOT_A_CSI_VOLUME, "volume " + request.volume().pvName()
                    + " has no CSI details (spec.csi) in its request; driver " + driver + " grows CSI volumes only");
        }
        ControllerExpandVolumeRequest.Builder call = ControllerExpandVolumeRequest.newBuilder()
                .setVolumeId(request.volumeHandle())
                .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(request.targetBytes()))
                .setVolumeCapability(VolumeCapabilities.of(details.accessModes(), request.volumeMode() == VolumeMode.Block,
                        details.fsType(), details.mountOptions(), driverCapabilities.singleNodeMultiWriter()));
        if (details.expandSecret() != null) {
            Map<String, String> secret = secrets.read(details.expandSecret());
            call.putAllSecrets(secret);
        }
        ControllerExpandVolumeResponse response;
        try {
            response = csi.controllerExpand(call.build());
        } catch (StatusRuntimeException e) {
            throw CsiErrors.toResizeException("ControllerExpandVolume", driver, request.volumeHandle(), e);
        }
        // A driver that does not say its new size grew it to what was asked, as external-resizer assumes.
        long size = response.getCapacityBytes() > 0 ? response.getCapacityBytes() : request.targetBytes();
        return ExpansionResult.grown(size, response.getNodeExpansionRequired());
    }
}
