package io.pvcresizer.fs.expansion;

import io.pvcresizer.common.events.FilesystemExpansionRequested;
import io.pvcresizer.common.events.VolumeMode;
import io.pvcresizer.common.failure.ResizeException;
import io.pvcresizer.fs.grow.FilesystemGrower;
import io.pvcresizer.fs.grow.GrowthResult;
import io.pvcresizer.fs.mount.LocatedVolume;
import io.pvcresizer.fs.mount.VolumeLocator;
import java.util.Objects;

/**
 * Carries out one filesystem expansion request on this node: under the volume's lock, finds the volume and grows its
 * filesystem; a block-mode volume has no filesystem and succeeds at once.
 */
public class FilesystemExpansion {

    /** The volume is neither mounted nor attached here (yet): transient, kubelet may still be mounting it. */
    public static final String REASON_VOLUME_NOT_FOUND = "VolumeNotFound";
    public static final String REASON_INVALID_TARGET = "InvalidTargetSize";

    private final VolumeLocks locks;
    private final VolumeLocator locator;
    private final FilesystemGrower grower;

    public FilesystemExpansion(VolumeLocks locks, VolumeLocator locator, FilesystemGrower grower) {
        this.locks = Objects.requireNonNull(locks, "locks");
        this.locator = Objects.requireNonNull(locator, "locator");
        this.grower = Objects.requireNonNull(grower, "grower");
    }

    /**
     * Grows the filesystem of the request's volume to fill its device.
     *
     * @throws ResizeException classified transient, final or infeasible
     */
    public GrowthResult expand(FilesystemExpansionRequested request) {
        if (request.targetBytes() <= 0) {
            throw ResizeException.infeasible(REASON_INVALID_TARGET, "target size " + request.targetBytes() + " is not positive");
        }
        String pvName = request.volume().pvName();
        return locks.withLock(pvName, () -> {
            if (request.volumeMode() == VolumeMode.Block) {
                return grower.grow(LocatedVolume.block(), request.targetBytes());
            }
            LocatedVolume volume = locator.locate(request).orElseThrow(() -> ResizeException.transientFailure(
                    REASON_VOLUME_NOT_FOUND, "the volume of PV " + pvName + " (pod uid " + request.podUid()
                            + ") is neither mounted by kubelet nor attached on this node", null));
            return grower.grow(volume, request.targetBytes());
        });
    }
}
