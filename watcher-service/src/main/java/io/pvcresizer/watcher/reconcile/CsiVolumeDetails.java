package io.pvcresizer.watcher.reconcile;

import io.fabric8.kubernetes.api.model.CSIPersistentVolumeSource;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.SecretReference;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.pvcresizer.common.events.CsiVolume;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CSI part of a resize request, taken from the PV as the Kubernetes CSI resizer and the kubelet take it: access
 * modes, {@code fsType}, mount options, and the expand Secret by name — the PV's {@code controllerExpandSecretRef} /
 * {@code nodeExpandSecretRef}, else the StorageClass's {@code csi.storage.k8s.io/*-expand-secret-*} parameters.
 */
final class CsiVolumeDetails {

    private static final Logger log = LoggerFactory.getLogger(CsiVolumeDetails.class);
    private static final String CONTROLLER_PREFIX = "csi.storage.k8s.io/controller-expand-secret-";
    private static final String NODE_PREFIX = "csi.storage.k8s.io/node-expand-secret-";

    private CsiVolumeDetails() {
    }

    /** For {@code ControllerExpandVolume}; null when the PV is not CSI. */
    static CsiVolume forController(PersistentVolume pv, PersistentVolumeClaim pvc, StorageClass storageClass) {
        CSIPersistentVolumeSource csi = pv.getSpec().getCsi();
        return csi == null ? null : of(pv, secret(csi.getControllerExpandSecretRef(), storageClass, CONTROLLER_PREFIX, pvc, pv));
    }

    /** For {@code NodeExpandVolume}; null when the PV is not CSI. */
    static CsiVolume forNode(PersistentVolume pv, PersistentVolumeClaim pvc, StorageClass storageClass) {
        CSIPersistentVolumeSource csi = pv.getSpec().getCsi();
        return csi == null ? null : of(pv, secret(csi.getNodeExpandSecretRef(), storageClass, NODE_PREFIX, pvc, pv));
    }

    private static CsiVolume of(PersistentVolume pv, io.pvcresizer.common.events.SecretReference secret) {
        return new CsiVolume(pv.getSpec().getAccessModes(), pv.getSpec().getCsi().getFsType(), pv.getSpec().getMountOptions(), secret);
    }

    private static io.pvcresizer.common.events.SecretReference secret(SecretReference onVolume, StorageClass storageClass,
            String prefix, PersistentVolumeClaim pvc, PersistentVolume pv) {
        String namespace;
        String name;
        if (onVolume != null) {
            namespace = onVolume.getNamespace();
            name = onVolume.getName();
        } else {
            Map<String, String> parameters = storageClass == null || storageClass.getParameters() == null
                    ? Map.of() : storageClass.getParameters();
            namespace = resolve(parameters.get(prefix + "namespace"), pvc, pv);
            name = resolve(parameters.get(prefix + "name"), pvc, pv);
        }
        if (namespace == null || name == null || namespace.isBlank() || name.isBlank()) {
            return null;
        }
        try {
            return new io.pvcresizer.common.events.SecretReference(namespace, name);
        } catch (IllegalArgumentException e) {
            log.warn("volume {}: no expand secret passed: {}", pv.getMetadata().getName(), e.getMessage());
            return null;
        }
    }

    /** The templates external-provisioner allows in these parameters: {@code ${pvc.namespace}}, {@code ${pvc.name}}, {@code ${pv.name}}. */
    private static String resolve(String value, PersistentVolumeClaim pvc, PersistentVolume pv) {
        if (value == null) {
            return null;
        }
        return value.replace("${pvc.namespace}", pvc.getMetadata().getNamespace())
                .replace("${pvc.name}", pvc.getMetadata().getName())
                .replace("${pv.name}", pv.getMetadata().getName());
    }
}
