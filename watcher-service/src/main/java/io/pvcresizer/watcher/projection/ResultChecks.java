package io.pvcresizer.watcher.projection;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.pvcresizer.common.events.ResizeEvent;
import io.pvcresizer.common.events.VolumeExpanded;
import io.pvcresizer.common.kafka.UntrustedRecordException;
import io.pvcresizer.common.quantity.StorageQuantities;

/**
 * Checks a result against the claim it claims to change before anything is written: it must name the PV the claim is
 * bound to, and a grown size must be what was asked, give or take the rounding a backend may add.
 */
final class ResultChecks {

    /** The most a backend rounds a target up: RBD and local files to the MiB, cloud disks to the GiB. */
    static final long MAX_ROUNDING_BYTES = 1L << 30;

    private ResultChecks() {
    }

    /**
     * @throws UntrustedRecordException when {@code event} names another PV than {@code pvc}'s, or reports a size
     *                                   below its target or above it by more than the rounding allowed
     */
    static void requireTrustworthy(ResizeEvent event, PersistentVolumeClaim pvc) {
        String type = event.getClass().getSimpleName();
        String bound = pvc.getSpec() == null ? null : pvc.getSpec().getVolumeName();
        if (bound == null || !bound.equals(event.volume().pvName())) {
            throw new UntrustedRecordException(type + " for " + event.volume().claimKey() + " names PV "
                    + event.volume().pvName() + ", but the claim is bound to " + (bound == null ? "no PV" : bound)
                    + ": not applied");
        }
        if (event instanceof VolumeExpanded expanded) {
            long target = expanded.targetBytes();
            long allowed = target + Math.max(MAX_ROUNDING_BYTES, target / 10);
            if (target <= 0 || expanded.newSizeBytes() < target || expanded.newSizeBytes() > allowed) {
                throw new UntrustedRecordException(type + " for " + event.volume().claimKey() + " reports "
                        + expanded.newSizeBytes() + " bytes for a target of " + target + " bytes ("
                        + StorageQuantities.format(Math.max(target, 0)) + "): outside [target, target + "
                        + StorageQuantities.format(allowed - target) + "], not applied");
            }
        }
    }
}
