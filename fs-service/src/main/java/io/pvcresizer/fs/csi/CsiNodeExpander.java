package io.pvcresizer.fs.csi;

import io.grpc.StatusRuntimeException;
import io.pvcresizer.common.events.CsiVolume;
import io.pvcresizer.common.events.FilesystemExpansionRequested;
import io.pvcresizer.common.events.VolumeMode;
import io.pvcresizer.common.failure.Reason;
import io.pvcresizer.common.failure.ResizeException;
import io.pvcresizer.csi.CsiDriverPort;
import io.pvcresizer.csi.CsiErrors;
import io.pvcresizer.csi.DriverCapabilities;
import io.pvcresizer.csi.VolumeCapabilities;
import io.pvcresizer.csi.v1.CapacityRange;
import io.pvcresizer.csi.v1.NodeExpandVolumeRequest;
import io.pvcresizer.csi.v1.NodeExpandVolumeResponse;
import io.pvcresizer.csi.v1.NodeServiceCapability;
import io.pvcresizer.fs.grow.GrowthResult;
import io.pvcresizer.fs.mount.LocatedVolume;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The node step of one CSI driver through its node plugin's {@code NodeExpandVolume}, with the paths kubelet uses: the
 * pod's publish path as {@code volume_path}, the staging path (when the plugin stages) as {@code staging_target_path},
 * the target as {@code required_bytes} and the volume capability of the PV. The driver does the rest (rescans,
 * LUKS, the filesystem).
 */
public class CsiNodeExpander {

    private final String driver;
    private final CsiDriverPort plugin;
    private final Path kubeletRoot;
    private volatile Boolean expands;
    private volatile boolean stages;

    public CsiNodeExpander(String driver, CsiDriverPort plugin, Path kubeletRoot) {
        this.driver = driver;
        this.plugin = plugin;
        this.kubeletRoot = kubeletRoot;
    }

    /**
     * Whether the node plugin grows volumes itself ({@code EXPAND_VOLUME}); asked once.
     *
     * @throws ResizeException transient while the plugin does not answer
     */
    public boolean nodePluginExpands() {
        if (expands == null) {
            try {
                List<NodeServiceCapability> capabilities = plugin.nodeCapabilities().getCapabilitiesList();
                stages = capabilities.stream().anyMatch(c -> c.getRpc().getType() == NodeServiceCapability.RPC.Type.STAGE_UNSTAGE_VOLUME);
                expands = DriverCapabilities.nodeExpands(plugin);
            } catch (StatusRuntimeException e) {
                throw CsiErrors.toResizeException("NodeGetCapabilities", driver, "-", e);
            }
        }
        return expands;
    }

    /** Grows the request's volume on this node through the plugin. */
    public GrowthResult expand(FilesystemExpansionRequested request) {
        String pvName = request.volume().pvName();
        boolean block = request.volumeMode() == VolumeMode.Block;
        Path volumePath = kubeletRoot.resolve("pods").resolve(request.podUid())
                .resolve(block ? "volumeDevices" : "volumes").resolve("kubernetes.io~csi").resolve(pvName)
                .resolve(block ? "" : "mount");
        if (!Files.exists(volumePath)) {
            throw new ResizeException(Reason.VOLUME_NOT_PUBLISHED, "the volume of PV " + pvName + " is not published"
                    + " for pod " + request.podName() + " on this node yet (" + volumePath + " is missing)", null);
        }
        CsiVolume details = request.csi();
        if (details != null && details.expandSecret() != null) {
            throw new ResizeException(Reason.NODE_EXPAND_SECRET_NOT_SUPPORTED, "PV " + pvName + " names a node-expand secret ("
                    + details.expandSecret() + "): fs-service does not read Secrets, so it cannot pass one to "
                    + driver + "'s NodeExpandVolume; grow this volume with the kubelet's own node step");
        }
        NodeExpandVolumeRequest.Builder call = NodeExpandVolumeRequest.newBuilder()
                .setVolumeId(request.volumeHandle())
                .setVolumePath(volumePath.toString())
                .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(request.targetBytes()))
                .setVolumeCapability(VolumeCapabilities.of(details == null ? List.of("ReadWriteOnce") : details.accessModes(),
                        block, details == null ? request.fsType() : details.fsType(),
                        details == null ? List.of() : details.mountOptions(), false));
        if (stages) {
            call.setStagingTargetPath(stagingPath(request.volumeHandle()).toString());
        }
        NodeExpandVolumeResponse response;
        try {
            response = plugin.nodeExpand(call.build());
        } catch (StatusRuntimeException e) {
            throw CsiErrors.toResizeException("NodeExpandVolume", driver, request.volumeHandle(), e);
        }
        long size = response.getCapacityBytes() > 0 ? response.getCapacityBytes() : request.targetBytes();
        LocatedVolume volume = new LocatedVolume(request.volumeMode(), "CSI node plugin " + driver, request.fsType(),
                volumePath, false);
        return new GrowthResult(volume, size, true);
    }

    /** kubelet's staging path of a CSI volume: {@code plugins/kubernetes.io/csi/<driver>/<sha256 of handle>/globalmount}. */
    Path stagingPath(String volumeHandle) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(volumeHandle.getBytes(StandardCharsets.UTF_8));
            return kubeletRoot.resolve("plugins").resolve("kubernetes.io").resolve("csi").resolve(driver)
                    .resolve(HexFormat.of().formatHex(digest)).resolve("globalmount");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
