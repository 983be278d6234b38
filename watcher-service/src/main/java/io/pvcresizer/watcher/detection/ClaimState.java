package io.pvcresizer.watcher.detection;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import java.util.List;

/**
 * Everything the decision about one PVC depends on, as seen in the informer caches.
 *
 * @param pvc          the claim
 * @param pv           its bound volume, or null when not known
 * @param storageClass its class, or null when it has none or it is not known
 * @param pods         pods of the claim's namespace that use it
 */
public record ClaimState(PersistentVolumeClaim pvc, PersistentVolume pv, StorageClass storageClass, List<Pod> pods) {

    public ClaimState {
        pods = pods == null ? List.of() : List.copyOf(pods);
    }
}
