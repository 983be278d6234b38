package io.pvcresizer.watcher.projection;

import static io.pvcresizer.common.kubernetes.ResizeConditions.EVENT_FILE_SYSTEM_RESIZE_REQUIRED;
import static io.pvcresizer.common.kubernetes.ResizeConditions.EVENT_VOLUME_RESIZE_FAILED;
import static io.pvcresizer.common.kubernetes.ResizeConditions.EVENT_VOLUME_RESIZE_SUCCESSFUL;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimStatus;
import io.pvcresizer.common.events.VolumeExpanded;
import io.pvcresizer.common.events.VolumeExpansionFailed;
import io.pvcresizer.common.events.VolumeRef;
import io.pvcresizer.common.quantity.StorageQuantities;
import io.pvcresizer.watcher.detection.ClaimFacts;
import io.pvcresizer.watcher.operation.ResizeOperation;
import io.pvcresizer.watcher.recording.EventRecorder;
import io.pvcresizer.watcher.status.ClaimStatusUpdates;
import io.pvcresizer.watcher.status.ClaimWriter;
import io.pvcresizer.watcher.status.VolumeUpdates;
import java.time.Clock;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies resize-service's answer to the controller step, as Kubernetes' resizer does: a grown volume sets the PV's
 * capacity and either finishes the resize or leaves the claim waiting for its node step; a failure becomes the
 * claim's {@code ControllerResizeError} condition and a {@code VolumeResizeFailed} Warning.
 */
final class VolumeResultProjection {

    private static final Logger log = LoggerFactory.getLogger(VolumeResultProjection.class);

    private final ClaimWriter writer;
    private final EventRecorder events;
    private final String resizerName;
    private final Consumer<String> reconcileLater;
    private final Clock clock;

    VolumeResultProjection(ClaimWriter writer, EventRecorder events, String resizerName, Consumer<String> reconcileLater,
                           Clock clock) {
        this.writer = writer;
        this.events = events;
        this.resizerName = resizerName;
        this.reconcileLater = reconcileLater;
        this.clock = clock;
    }

    /** Applies a {@code VolumeExpanded}; false when the claim left {@code operation} before it was written. */
    boolean expanded(PersistentVolumeClaim pvc, ResizeOperation operation, VolumeExpanded expanded) {
        VolumeRef ref = expanded.volume();
        String newSize = StorageQuantities.format(expanded.newSizeBytes());
        Predicate<PersistentVolumeClaimStatus> current = operation.stillCurrentFor(pvc);
        if (expanded.nodeExpansionRequired()) {
            writer.updateVolume(ref.pvName(), VolumeUpdates.grownTo(expanded.newSizeBytes(), ClaimFacts.of(pvc).capacityBytes()));
            if (!writer.updateClaimStatusIf(pvc, current, ClaimStatusUpdates.nodeResizePending(clock.instant()))) {
                return false;
            }
            events.normal(pvc, EVENT_FILE_SYSTEM_RESIZE_REQUIRED, "Require file system resize of volume on node");
            log.info("volume {} grown to {} in its backend; file system resize pending", ref.pvName(), newSize);
            reconcileLater.accept(ref.claimKey());
        } else {
            writer.updateVolume(ref.pvName(), VolumeUpdates.grownTo(expanded.newSizeBytes(), null));
            if (!writer.updateClaimStatusIf(pvc, current, ClaimStatusUpdates.resizeFinished(expanded.newSizeBytes()))) {
                return false;
            }
            events.normal(pvc, EVENT_VOLUME_RESIZE_SUCCESSFUL, "resize volume \"" + ref.pvName() + "\" by resizer \""
                    + resizerName + "\" finished successfully");
            log.info("volume {} grown to {}; no node step needed, resize complete", ref.pvName(), newSize);
        }
        return true;
    }

    /** Applies a {@code VolumeExpansionFailed}; false when the claim left {@code operation} before it was written. */
    boolean failed(PersistentVolumeClaim pvc, ResizeOperation operation, VolumeExpansionFailed failed) {
        VolumeRef ref = failed.volume();
        String message = "resize volume \"" + ref.pvName() + "\" by resizer \"" + resizerName + "\" failed: " + failed.message();
        if (!writer.updateClaimStatusIf(pvc, operation.stillCurrentFor(pvc),
                ClaimStatusUpdates.controllerResizeFailed(failed.kind(), failed.reason(), message, clock.instant()))) {
            return false;
        }
        events.warning(pvc, EVENT_VOLUME_RESIZE_FAILED, message);
        log.warn("volume expansion failed ({} {}): {}", failed.kind(), failed.reason(), failed.message());
        return true;
    }
}
