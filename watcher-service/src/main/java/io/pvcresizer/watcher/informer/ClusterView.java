package io.pvcresizer.watcher.informer;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.pvcresizer.watcher.detection.ClaimState;
import java.util.List;

/** Read access to the cluster objects the watcher decides on, served from informer caches. */
public interface ClusterView {

    PersistentVolumeClaim claim(String namespace, String name);

    PersistentVolume volume(String name);

    StorageClass storageClass(String name);

    /** Pods in the claim's namespace whose volumes reference the claim. */
    List<Pod> podsUsing(String namespace, String claimName);

    /** Keys ({@code namespace/name}) of every PVC in the cache. */
    List<String> claimKeys();

    /** The claim with its PV, StorageClass and pods, as one snapshot for the decider. */
    default ClaimState stateOf(PersistentVolumeClaim pvc) {
        String volumeName = pvc.getSpec() == null ? null : pvc.getSpec().getVolumeName();
        String className = pvc.getSpec() == null ? null : pvc.getSpec().getStorageClassName();
        return new ClaimState(pvc,
                volumeName == null || volumeName.isBlank() ? null : volume(volumeName),
                className == null || className.isBlank() ? null : storageClass(className),
                podsUsing(pvc.getMetadata().getNamespace(), pvc.getMetadata().getName()));
    }
}
