package io.pvcresizer.fs.mount;

import io.pvcresizer.common.events.FilesystemExpansionRequested;
import java.util.Optional;

/** Finds the volume of a filesystem expansion request on this node. */
public interface VolumeLocator {

    /**
     * The volume of the request as it is on this node now, or empty when it is neither mounted nor attached here.
     *
     * @throws io.pvcresizer.common.failure.ResizeException infeasible when the request's names could escape the
     *                                                      directories they select
     */
    Optional<LocatedVolume> locate(FilesystemExpansionRequested request);

    /**
     * Whether kubelet knows the request's pod on this node, or the request names no pod. A request for a pod it does
     * not know is not worth waiting for a mount: the pod does not run here (or the request was not written by the
     * watcher).
     */
    boolean podKnownHere(FilesystemExpansionRequested request);
}
