package io.pvcresizer.watcher.projection;

import static io.pvcresizer.common.kubernetes.ResizeConditions.ANNOTATION_PRE_RESIZE_CAPACITY;
import static io.pvcresizer.common.kubernetes.ResizeConditions.CONTROLLER_RESIZE_IN_PROGRESS;
import static io.pvcresizer.common.kubernetes.ResizeConditions.EVENT_FILE_SYSTEM_RESIZE_FAILED;
import static io.pvcresizer.common.kubernetes.ResizeConditions.EVENT_FILE_SYSTEM_RESIZE_REQUIRED;
import static io.pvcresizer.common.kubernetes.ResizeConditions.EVENT_FILE_SYSTEM_RESIZE_SUCCESSFUL;
import static io.pvcresizer.common.kubernetes.ResizeConditions.EVENT_VOLUME_RESIZE_FAILED;
import static io.pvcresizer.common.kubernetes.ResizeConditions.EVENT_VOLUME_RESIZE_SUCCESSFUL;
import static io.pvcresizer.common.kubernetes.ResizeConditions.NODE_RESIZE_FAILED;
import static io.pvcresizer.common.kubernetes.ResizeConditions.NODE_RESIZE_INFEASIBLE;
import static io.pvcresizer.common.kubernetes.ResizeConditions.NODE_RESIZE_IN_PROGRESS;
import static io.pvcresizer.common.kubernetes.ResizeConditions.NODE_RESIZE_PENDING;
import static io.pvcresizer.common.kubernetes.ResizeConditions.STORAGE;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.pvcresizer.common.events.FilesystemExpanded;
import io.pvcresizer.common.events.FilesystemExpansionFailed;
import io.pvcresizer.common.events.ResizeEvent;
import io.pvcresizer.common.events.VolumeExpanded;
import io.pvcresizer.common.events.VolumeExpansionFailed;
import io.pvcresizer.common.events.VolumeRef;
import io.pvcresizer.common.quantity.StorageQuantities;
import io.pvcresizer.watcher.detection.ClaimFacts;
import io.pvcresizer.watcher.detection.ResizeDecider;
import io.pvcresizer.watcher.informer.ClusterView;
import io.pvcresizer.watcher.metrics.WatcherMetrics;
import io.pvcresizer.watcher.recording.EventRecorder;
import io.pvcresizer.watcher.status.ClaimStatusUpdates;
import io.pvcresizer.watcher.status.ClaimWriter;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Projects result events from resize-service and fs-service onto the PV and the PVC (capacity, conditions, resize
 * status, events); a result that no longer matches the claim's current operation is recognised and left alone, so
 * duplicates and replays do no harm.
 */
public class ResultProjector {

    private static final Logger log = LoggerFactory.getLogger(ResultProjector.class);
    private static final Set<String> NODE_STAGE =
            Set.of(NODE_RESIZE_PENDING, NODE_RESIZE_IN_PROGRESS, NODE_RESIZE_FAILED, NODE_RESIZE_INFEASIBLE);

    private final ClaimWriter writer;
    private final EventRecorder events;
    private final ClusterView view;
    private final WatcherMetrics metrics;
    private final String resizerName;
    private final Consumer<String> reconcileLater;
    private final Clock clock;

    public ResultProjector(ClaimWriter writer, EventRecorder events, ClusterView view, WatcherMetrics metrics,
                           String resizerName, Consumer<String> reconcileLater, Clock clock) {
        this.writer = writer;
        this.events = events;
        this.view = view;
        this.metrics = metrics;
        this.resizerName = resizerName;
        this.reconcileLater = reconcileLater;
        this.clock = clock;
    }

    /** Applies one result event. */
    public void project(ResizeEvent event) {
        VolumeRef ref = event.volume();
        Optional<PersistentVolumeClaim> found = writer.readClaim(ref.namespace(), ref.pvcName())
                .filter(pvc -> ref.pvcUid() == null || ref.pvcUid().equals(pvc.getMetadata().getUid()));
        String type = event.getClass().getSimpleName();
        if (found.isEmpty()) {
            log.info("{} for {} ignored: the claim no longer exists", type, ref.claimKey());
            metrics.result(type, "claim_gone");
            return;
        }
        PersistentVolumeClaim pvc = found.get();
        ClaimFacts facts = ClaimFacts.of(pvc);
        boolean applied;
        if (event instanceof VolumeExpanded expanded) {
            applied = isCurrentControllerStep(facts, expanded.targetBytes()) && volumeExpanded(pvc, expanded);
        } else if (event instanceof VolumeExpansionFailed failed) {
            applied = isCurrentControllerStep(facts, failed.targetBytes()) && volumeFailed(pvc, failed);
        } else if (event instanceof FilesystemExpanded expanded) {
            applied = NODE_STAGE.contains(facts.resizeStatus()) && filesystemExpanded(pvc, expanded);
        } else if (event instanceof FilesystemExpansionFailed failed) {
            applied = NODE_STAGE.contains(facts.resizeStatus()) && filesystemFailed(pvc, failed);
        } else {
            throw new IllegalArgumentException("the watcher does not consume " + type);
        }
        if (!applied) {
            log.info("{} ignored: stale or duplicate (claim is at status {} allocated {})", type, facts.resizeStatus(),
                    facts.allocatedBytes() == null ? "-" : StorageQuantities.format(facts.allocatedBytes()));
        }
        metrics.result(type, applied ? "applied" : "stale");
    }

    private static boolean isCurrentControllerStep(ClaimFacts facts, long targetBytes) {
        return CONTROLLER_RESIZE_IN_PROGRESS.equals(facts.resizeStatus())
                && facts.allocatedBytes() != null && facts.allocatedBytes() == targetBytes;
    }

    private boolean volumeExpanded(PersistentVolumeClaim pvc, VolumeExpanded expanded) {
        VolumeRef ref = expanded.volume();
        String newSize = StorageQuantities.format(expanded.newSizeBytes());
        writer.updateVolume(ref.pvName(), pv -> growVolume(pv, expanded.newSizeBytes()));
        if (expanded.nodeExpansionRequired()) {
            writer.updateClaimStatus(ref.namespace(), ref.pvcName(), ref.pvcUid(), ClaimStatusUpdates.nodeResizePending(clock.instant()));
            events.normal(pvc, EVENT_FILE_SYSTEM_RESIZE_REQUIRED, "Require file system resize of volume on node");
            log.info("volume {} grown to {} in its backend; file system resize pending", ref.pvName(), newSize);
            reconcileLater.accept(ref.claimKey());
        } else {
            writer.updateClaimStatus(ref.namespace(), ref.pvcName(), ref.pvcUid(), ClaimStatusUpdates.resizeFinished(expanded.newSizeBytes()));
            writer.updateVolume(ref.pvName(), ResultProjector::withoutPreResizeAnnotation);
            events.normal(pvc, EVENT_VOLUME_RESIZE_SUCCESSFUL, "resize volume \"" + ref.pvName() + "\" by resizer \""
                    + resizerName + "\" finished successfully");
            log.info("volume {} grown to {}; no node step needed, resize complete", ref.pvName(), newSize);
        }
        return true;
    }

    private boolean volumeFailed(PersistentVolumeClaim pvc, VolumeExpansionFailed failed) {
        VolumeRef ref = failed.volume();
        String message = "resize volume \"" + ref.pvName() + "\" by resizer \"" + resizerName + "\" failed: " + failed.message();
        writer.updateClaimStatus(ref.namespace(), ref.pvcName(), ref.pvcUid(),
                ClaimStatusUpdates.controllerResizeFailed(failed.kind(), failed.reason(), message, clock.instant()));
        events.warning(pvc, EVENT_VOLUME_RESIZE_FAILED, message);
        log.warn("volume expansion failed ({} {}): {}", failed.kind(), failed.reason(), failed.message());
        return true;
    }

    private boolean filesystemExpanded(PersistentVolumeClaim pvc, FilesystemExpanded expanded) {
        VolumeRef ref = expanded.volume();
        PersistentVolume pv = writer.readVolume(ref.pvName()).orElse(null);
        long capacity = pv == null ? expanded.targetBytes() : ResizeDecider.pvCapacity(pv).orElse(expanded.targetBytes());
        writer.updateClaimStatus(ref.namespace(), ref.pvcName(), ref.pvcUid(), ClaimStatusUpdates.resizeFinished(capacity));
        writer.updateVolume(ref.pvName(), ResultProjector::withoutPreResizeAnnotation);
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

    private boolean filesystemFailed(PersistentVolumeClaim pvc, FilesystemExpansionFailed failed) {
        VolumeRef ref = failed.volume();
        String message = "MountVolume.NodeExpandVolume failed for volume \"" + ref.pvName() + "\" on node "
                + failed.nodeName() + ": " + failed.message();
        writer.updateClaimStatus(ref.namespace(), ref.pvcName(), ref.pvcUid(),
                ClaimStatusUpdates.nodeResizeFailed(failed.kind(), failed.reason(), message, clock.instant()));
        events.warning(pvc, EVENT_FILE_SYSTEM_RESIZE_FAILED, message);
        log.warn("file system expansion failed on node {} ({} {}): {}", failed.nodeName(), failed.kind(), failed.reason(),
                failed.message());
        return true;
    }

    private static PersistentVolume growVolume(PersistentVolume pv, long newSizeBytes) {
        long current = ResizeDecider.pvCapacity(pv).orElse(0L);
        if (current >= newSizeBytes) {
            return pv;
        }
        Map<String, String> annotations = pv.getMetadata().getAnnotations() == null
                ? new HashMap<>() : new HashMap<>(pv.getMetadata().getAnnotations());
        annotations.putIfAbsent(ANNOTATION_PRE_RESIZE_CAPACITY, StorageQuantities.format(current));
        pv.getMetadata().setAnnotations(annotations);
        Map<String, io.fabric8.kubernetes.api.model.Quantity> capacity = new HashMap<>(pv.getSpec().getCapacity());
        capacity.put(STORAGE, StorageQuantities.quantity(newSizeBytes));
        pv.getSpec().setCapacity(capacity);
        return pv;
    }

    private static PersistentVolume withoutPreResizeAnnotation(PersistentVolume pv) {
        if (pv.getMetadata().getAnnotations() == null || !pv.getMetadata().getAnnotations().containsKey(ANNOTATION_PRE_RESIZE_CAPACITY)) {
            return pv;
        }
        Map<String, String> annotations = new HashMap<>(pv.getMetadata().getAnnotations());
        annotations.remove(ANNOTATION_PRE_RESIZE_CAPACITY);
        pv.getMetadata().setAnnotations(annotations);
        return pv;
    }
}
