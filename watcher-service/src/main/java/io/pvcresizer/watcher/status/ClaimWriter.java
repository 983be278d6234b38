package io.pvcresizer.watcher.status;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimStatus;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** Writes PVC status and PV changes to the Kubernetes API: the watcher's only write path for claims and volumes. */
public interface ClaimWriter {

    /** The claim as the API server has it now, or empty when it does not exist. */
    Optional<PersistentVolumeClaim> readClaim(String namespace, String name);

    /** The volume as the API server has it now, or empty. */
    Optional<PersistentVolume> readVolume(String name);

    /**
     * Applies {@code change} to the current status of the claim through the {@code /status} subresource, reading it
     * afresh and retrying on conflicts. Nothing is written when the change leaves the status as it is.
     *
     * @param uid the claim's uid; when the claim was re-created meanwhile nothing is written
     * @return the claim as written, or empty when it is gone or its uid differs
     */
    Optional<PersistentVolumeClaim> updateClaimStatus(String namespace, String name, String uid,
                                                      UnaryOperator<PersistentVolumeClaimStatus> change);

    /**
     * As {@link #updateClaimStatus(String, String, String, UnaryOperator)}, starting from {@code justRead}, the claim as
     * it was just read from the API server: its status is changed and written with its resourceVersion without reading
     * it again; only a conflict (someone wrote in between) reads it afresh.
     */
    default Optional<PersistentVolumeClaim> updateClaimStatus(PersistentVolumeClaim justRead,
                                                              UnaryOperator<PersistentVolumeClaimStatus> change) {
        return updateClaimStatus(justRead.getMetadata().getNamespace(), justRead.getMetadata().getName(),
                justRead.getMetadata().getUid(), change);
    }

    /**
     * As {@link #updateClaimStatus(PersistentVolumeClaim, UnaryOperator)}, only while the status (the one just read,
     * or after a conflict the one read afresh) passes {@code precondition}.
     *
     * @return false when it no longer did and nothing was written
     */
    default boolean updateClaimStatusIf(PersistentVolumeClaim justRead,
                                        java.util.function.Predicate<PersistentVolumeClaimStatus> precondition,
                                        UnaryOperator<PersistentVolumeClaimStatus> change) {
        java.util.concurrent.atomic.AtomicBoolean stale = new java.util.concurrent.atomic.AtomicBoolean();
        updateClaimStatus(justRead, ClaimStatusUpdates.onlyIf(precondition, change, stale));
        return !stale.get();
    }

    /** Applies {@code change} to the PV (spec and metadata), retrying on conflicts; nothing when unchanged. */
    void updateVolume(String name, UnaryOperator<PersistentVolume> change);
}
