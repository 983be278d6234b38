package io.pvcresizer.common.events;

import java.util.Objects;

/**
 * Identifies the claim and volume an event is about: the PVC by namespace, name and uid, and the PV it is bound to.
 * Events of node agents, which know only the PV, leave namespace and claim name empty.
 *
 * @param namespace PVC namespace
 * @param pvcName   PVC name
 * @param pvcUid    PVC uid, so that a deleted and re-created claim of the same name is told apart
 * @param pvName    name of the bound PersistentVolume (the Kafka key of volume topics)
 */
public record VolumeRef(String namespace, String pvcName, String pvcUid, String pvName) {

    public VolumeRef {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(pvcName, "pvcName");
        Objects.requireNonNull(pvName, "pvName");
    }

    /** The claim as {@code namespace/name}, the form kubectl users read. */
    public String claimKey() {
        return namespace + "/" + pvcName;
    }
}
