package io.pvcresizer.watcher.reconcile;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.pvcresizer.common.events.VolumeRef;

/**
 * Names resize operations: one operation is one claim growing to one target, so the id is derived from the claim's
 * uid and the target and needs no stored state; a retried or re-driven request keeps its id.
 */
public final class OperationIds {

    private OperationIds() {
    }

    public static String of(PersistentVolumeClaim pvc, long targetBytes) {
        String uid = pvc.getMetadata().getUid() == null ? pvc.getMetadata().getNamespace() + "." + pvc.getMetadata().getName()
                : pvc.getMetadata().getUid();
        return "op-" + uid + "-" + targetBytes;
    }

    public static VolumeRef volumeRef(PersistentVolumeClaim pvc) {
        return new VolumeRef(pvc.getMetadata().getNamespace(), pvc.getMetadata().getName(), pvc.getMetadata().getUid(),
                pvc.getSpec().getVolumeName());
    }
}
