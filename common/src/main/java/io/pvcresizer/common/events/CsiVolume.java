package io.pvcresizer.common.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What a CSI driver's expand call needs to know about the PV beyond its handle, as the Kubernetes CSI resizer and the
 * kubelet take it from the PV: its access modes, filesystem type and mount options (for the call's
 * {@code volume_capability}), and which Secret, if any, the call must carry.
 *
 * @param accessModes  the PV's {@code spec.accessModes}
 * @param fsType       the PV's {@code spec.csi.fsType}; empty when not set
 * @param mountOptions the PV's {@code spec.mountOptions}
 * @param expandSecret the Secret of this step: {@code controllerExpandSecretRef} in a volume request,
 *                     {@code nodeExpandSecretRef} in a node request; null when there is none
 */
public record CsiVolume(List<String> accessModes, String fsType, List<String> mountOptions,
        @JsonInclude(JsonInclude.Include.NON_NULL) SecretReference expandSecret) {

    public CsiVolume {
        accessModes = accessModes == null ? List.of() : List.copyOf(accessModes);
        fsType = fsType == null ? "" : fsType;
        mountOptions = mountOptions == null ? List.of() : List.copyOf(mountOptions);
    }
}
