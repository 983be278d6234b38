package io.pvcresizer.watcher.projection;

import static io.pvcresizer.common.kubernetes.ResizeConditions.EVENT_FILE_SYSTEM_RESIZE_FAILED;
import static io.pvcresizer.common.kubernetes.ResizeConditions.EVENT_FILE_SYSTEM_RESIZE_SUCCESSFUL;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.pvcresizer.common.events.FilesystemExpanded;
import io.pvcresizer.common.events.FilesystemExpansionFailed;
import io.pvcresizer.common.events.VolumeRef;
import io.pvcresizer.common.quantity.StorageQuantities;
import io.pvcresizer.watcher.detection.ResizeDecider;
import io.pvcresizer.watcher.informer.ClusterView;
import io.pvcresizer.watcher.operation.ResizeOperation;
import io.pvcresizer.watcher.recording.EventRecorder;
import io.pvcresizer.watcher.status.ClaimStatusUpdates;
import io.pvcresizer.watcher.status.ClaimWriter;
import io.pvcresizer.watcher.status.VolumeUpdates;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a node agent's answer to the node step, as kubelet does: a grown filesystem finishes the resize at the PV's
 * capacity (with {@code FileSystemResizeSuccessful} on the claim and on its pods on that node); a failure becomes the
 * claim's {@code NodeResizeError} condition and a {@code FileSystemResizeFailed} Warning.
 */
final class NodeResultProjection {

    private static final Logger log = LoggerFactory.getLogger(NodeResultProjection.class);

    private final ClaimWriter writer;
    private final EventRecorder events;
    private final ClusterView view;
    private final Clock clock;

    NodeResultProjection(ClaimWriter writer, EventRecorder events, ClusterView view, Clock clock) {
        this.writer = writer;
        this.events = events;
        this.view = view;
        this.clock = clock;
    }

    /** Applies a {@code FilesystemExpanded}; false when the claim left {@code operation} before it was written. */
    boolean expanded(PersistentVolumeClaim pvc, ResizeOperation operation, FilesystemExpanded expanded) {
        VolumeRef ref = expanded.volume();
        PersistentVolume pv = writer.readVolume(ref.pvName()).orElse(null);
        long capacity = pv == null ? expanded.targetBytes() : ResizeDecider.pvCapacity(pv).orElse(expanded.targetBytes());
        if (!writer.updateClaimStatusIf(pvc, operation.stillCurrentFor(pvc),
                ClaimStatusUpdates.resizeFinished(capacity))) {
            return false;
        }
        writer.updateVolume(ref.pvName(), VolumeUpdates::withoutPreResizeAnnotation);
        String message = "MountVolume.NodeExpandVolume succeeded for volume \"" + ref.pvName() + "\" " + expanded.nodeName();
        events.normal(pvc, EVENT_FILE_SYSTEM_RESIZE_SUCCESSFUL, message);
        for (Pod pod : view.podsUsing(ref.namespace(), ref.pvcName())) {
            if (pod.getSpec() != null && expanded.nodeName().equals(pod.getSpec().getNodeName())) {
                events.normal(pod, EVENT_FILE_SYSTEM_RESIZE_SUCCESSFUL, message);
            }
        }
        log.info("file system on node {} grown to {} ({}, {}); resize complete at {}", expanded.nodeName(),
                StorageQuantities.format(expanded.filesystemBytes()), expanded.fsType(), expanded.online() ? "online" : "offline",
                StorageQuantities.format(capacity));
        return true;
    }

    /** Applies a {@code FilesystemExpansionFailed}; false when the claim left {@code operation} before it was written. */
    boolean failed(PersistentVolumeClaim pvc, ResizeOperation operation, FilesystemExpansionFailed failed) {
        VolumeRef ref = failed.volume();
        String message = "MountVolume.NodeExpandVolume failed for volume \"" + ref.pvName() + "\" on node "
                + failed.nodeName() + ": " + failed.message();
        if (!writer.updateClaimStatusIf(pvc, operation.stillCurrentFor(pvc),
                ClaimStatusUpdates.nodeResizeFailed(failed.kind(), failed.reason(), message, clock.instant()))) {
            return false;
        }
        events.warning(pvc, EVENT_FILE_SYSTEM_RESIZE_FAILED, message);
        log.warn("file system expansion failed on node {} ({} {}): {}", failed.nodeName(), failed.kind(), failed.reason(),
                failed.message());
        return true;
    }
}
