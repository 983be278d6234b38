package io.pvcresizer.csi;

import io.pvcresizer.common.failure.Reason;
import io.pvcresizer.common.failure.ResizeException;
import io.pvcresizer.csi.v1.VolumeCapability.AccessMode.Mode;
import io.pvcresizer.csi.v1.VolumeCapability;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Builds the {@code volume_capability} of an expansion call from the PV as the Kubernetes CSI resizer does: block or
 * mount (with the PV's {@code fsType} and mount options), and the CSI access mode of the PV's access modes.
 */
public final class VolumeCapabilities {

    private VolumeCapabilities() {
    }

    /**
     * @param accessModes           the PV's {@code spec.accessModes}
     * @param block                 {@code volumeMode: Block}
     * @param fsType                the PV's {@code spec.csi.fsType} (may be empty)
     * @param mountFlags            the PV's {@code spec.mountOptions}
     * @param singleNodeMultiWriter the driver advertises {@code SINGLE_NODE_MULTI_WRITER}
     * @throws ResizeException infeasible when the access modes cannot be expressed in CSI
     */
    public static VolumeCapability of(List<String> accessModes, boolean block, String fsType, List<String> mountFlags,
            boolean singleNodeMultiWriter) {
        VolumeCapability.Builder capability = VolumeCapability.newBuilder();
        if (block) {
            capability.setBlock(VolumeCapability.BlockVolume.getDefaultInstance());
        } else {
            capability.setMount(VolumeCapability.MountVolume.newBuilder()
                    .setFsType(fsType == null ? "" : fsType)
                    .addAllMountFlags(mountFlags == null ? List.of() : mountFlags));
        }
        capability.setAccessMode(VolumeCapability.AccessMode.newBuilder().setMode(accessMode(accessModes, singleNodeMultiWriter)));
        return capability.build();
    }

    static Mode accessMode(List<String> accessModes, boolean singleNodeMultiWriter) {
        Set<String> modes = new TreeSet<>(accessModes == null ? List.of() : accessModes);
        if (modes.contains("ReadWriteOncePod")) {
            if (modes.size() > 1) {
                throw unsupported(modes, "ReadWriteOncePod cannot be combined with other access modes");
            }
            return singleNodeMultiWriter ? Mode.SINGLE_NODE_SINGLE_WRITER : Mode.SINGLE_NODE_WRITER;
        }
        if (modes.contains("ReadWriteMany")) {
            return Mode.MULTI_NODE_MULTI_WRITER;
        }
        if (modes.contains("ReadOnlyMany") && modes.contains("ReadWriteOnce")) {
            throw unsupported(modes, "CSI has no access mode for ReadOnlyMany together with ReadWriteOnce");
        }
        if (modes.contains("ReadOnlyMany")) {
            return Mode.MULTI_NODE_READER_ONLY;
        }
        if (modes.contains("ReadWriteOnce")) {
            return singleNodeMultiWriter ? Mode.SINGLE_NODE_MULTI_WRITER : Mode.SINGLE_NODE_WRITER;
        }
        throw unsupported(modes, "no known access mode");
    }

    private static ResizeException unsupported(Set<String> modes, String why) {
        return new ResizeException(Reason.UNSUPPORTED_ACCESS_MODES,
                "cannot build the CSI volume capability for access modes " + modes + ": " + why);
    }
}
