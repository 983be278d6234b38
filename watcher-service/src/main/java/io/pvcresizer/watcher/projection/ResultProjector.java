package io.pvcresizer.watcher.projection;

import static io.pvcresizer.common.kubernetes.ResizeConditions.ANNOTATION_PRE_RESIZE_CAPACITY;
import static io.pvcresizer.common.kubernetes.ResizeConditions.CONTROLLER_RESIZE_INFEASIBLE;
import static io.pvcresizer.common.kubernetes.ResizeConditions.CONTROLLER_RESIZE_IN_PROGRESS;
import static io.pvcresizer.common.kubernetes.ResizeConditions.EVENT_FILE_SYSTEM_RESIZE_FAILED;
import static io.pvcresizer.common.kubernetes.ResizeConditions.EVENT_FILE_SYSTEM_RESIZE_REQUIRED;
import static io.pvcresizer.common.kubernetes.ResizeConditions.EVENT_FILE_SYSTEM_RESIZE_SUCCESSFUL;
import static io.pvcresizer.common.kubernetes.ResizeConditions.EVENT_VOLUME_MOUNT_STALE;
import static io.pvcresizer.common.kubernetes.ResizeConditions.EVENT_VOLUME_RESIZE_FAILED;
import static io.pvcresizer.common.kubernetes.ResizeConditions.EVENT_VOLUME_RESIZE_SUCCESSFUL;
import static io.pvcresizer.common.kubernetes.ResizeConditions.FILE_SYSTEM_RESIZE_PENDING;
import static io.pvcresizer.common.kubernetes.ResizeConditions.NODE_RESIZE_INFEASIBLE;
import static io.pvcresizer.common.kubernetes.ResizeConditions.NODE_RESIZE_IN_PROGRESS;
import static io.pvcresizer.common.kubernetes.ResizeConditions.NODE_RESIZE_PENDING;
import static io.pvcresizer.common.kubernetes.ResizeConditions.RESIZING;
import static io.pvcresizer.common.kubernetes.ResizeConditions.STORAGE;

import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.pvcresizer.common.events.FilesystemExpanded;
import io.pvcresizer.common.events.FilesystemExpansionFailed;
import io.pvcresizer.common.events.ResizeEvent;
import io.pvcresizer.common.events.StaleMountDetected;
import io.pvcresizer.common.events.VolumeExpanded;
import io.pvcresizer.common.events.VolumeExpansionFailed;
import io.pvcresizer.common.events.VolumeRef;
import io.pvcresizer.common.failure.Reason;
import io.pvcresizer.common.failure.ResizeException;
import io.pvcresizer.common.kafka.UnexpectedRecordException;
import io.pvcresizer.common.kafka.UntrustedRecordException;
import io.pvcresizer.common.quantity.StorageQuantities;
import io.pvcresizer.watcher.detection.ClaimFacts;
import io.pvcresizer.watcher.detection.ResizeDecider;
import io.pvcresizer.watcher.informer.ClusterView;
import io.pvcresizer.watcher.metrics.WatcherMetrics;
import io.pvcresizer.watcher.reconcile.OperationIds;
import io.pvcresizer.watcher.recording.EventRecorder;
import io.pvcresizer.watcher.status.ClaimStatusUpdates;
import io.pvcresizer.watcher.status.ClaimWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Projects result events from resize-service and fs-service onto the PV and the PVC (capacity, conditions, resize
 * status, events); a result that no longer matches the claim's current operation is recognised and left alone, so
 * duplicates and replays do no harm. A node agent's stale mount report becomes a Warning event only.
 */
public class ResultProjector {

    private static final Logger log = LoggerFactory.getLogger(ResultProjector.class);
    private static final Set<String> NODE_STAGE =
            Set.of(NODE_RESIZE_PENDING, NODE_RESIZE_IN_PROGRESS, NODE_RESIZE_INFEASIBLE);

    private final ClaimWriter writer;
    private final EventRecorder events;
    private final ClusterView view;
    private final WatcherMetrics metrics;
    private final String resizerName;
    private final Consumer<String> reconcileLater;
    private final Clock clock;
    private final BooleanSupplier leading;

    public ResultProjector(ClaimWriter writer, EventRecorder events, ClusterView view, WatcherMetrics metrics,
                           String resizerName, Consumer<String> reconcileLater, Clock clock, BooleanSupplier leading) {
        this.writer = writer;
        this.events = events;
        this.view = view;
        this.metrics = metrics;
        this.resizerName = resizerName;
        this.reconcileLater = reconcileLater;
        this.clock = clock;
        this.leading = leading;
    }

    /** Applies one result event. */
    public void project(ResizeEvent event) {
        if (!leading.getAsBoolean()) {
            // Leadership was lost while this record waited: leave it uncommitted for the new leader.
            throw new ResizeException(Reason.NOT_LEADER, "this watcher no longer leads; the new leader applies the result", null);
        }
        if (event instanceof StaleMountDetected stale) {
            staleMount(stale);
            return;
        }
        VolumeRef ref = event.volume();
        String type = event.getClass().getSimpleName();
        if (ref.pvcUid() == null || ref.pvcUid().isBlank()) {
            throw new UntrustedRecordException(type + " for " + ref.claimKey() + " names no claim uid: not applied");
        }
        Optional<PersistentVolumeClaim> found = writer.readClaim(ref.namespace(), ref.pvcName())
                .filter(pvc -> ref.pvcUid().equals(pvc.getMetadata().getUid()));
        if (found.isEmpty()) {
            log.info("{} for {} ignored: the claim no longer exists", type, ref.claimKey());
            metrics.result(type, "claim_gone");
            return;
        }
        PersistentVolumeClaim pvc = found.get();
        ResultChecks.requireTrustworthy(event, pvc);
        ClaimFacts facts = ClaimFacts.of(pvc);
        boolean applied;
        if (event instanceof VolumeExpanded expanded) {
            applied = isControllerStep(pvc.getStatus(), expanded.targetBytes()) && volumeExpanded(pvc, expanded);
        } else if (event instanceof VolumeExpansionFailed failed) {
            applied = isControllerStep(pvc.getStatus(), failed.targetBytes()) && volumeFailed(pvc, failed);
        } else if (event instanceof FilesystemExpanded expanded) {
            applied = isNodeStepOf(pvc, event) && filesystemExpanded(pvc, expanded, facts.allocatedBytes());
        } else if (event instanceof FilesystemExpansionFailed failed) {
            applied = isNodeStepOf(pvc, event) && filesystemFailed(pvc, failed, facts.allocatedBytes());
        } else {
            throw new UnexpectedRecordException("the watcher does not consume " + type);
        }
        if (applied) {
            recordDurations(pvc, event);
        } else {
            log.info("{} ignored: stale or duplicate (claim is at status {} allocated {})", type, facts.resizeStatus(),
                    facts.allocatedBytes() == null ? "-" : StorageQuantities.format(facts.allocatedBytes()));
        }
        metrics.result(type, applied ? "applied" : "stale");
    }

    /**
     * A stale (or hung) FUSE mount a node agent found: a Warning {@code VolumeMountStale} on the claim bound to the PV
     * (through the PV's {@code claimRef} in the informer cache) and on the pod whose volume it is, if that pod uses
     * the claim. A report about no PV, or a PV or claim the cache does not have, is logged and skipped. No status
     * changes: the claim's size and resize state are not what is wrong.
     */
    private void staleMount(StaleMountDetected stale) {
        String type = stale.getClass().getSimpleName();
        String pvName = stale.volume().pvName();
        String where = stale.fsType() + " mount " + stale.mountPoint() + " on node " + stale.nodeName();
        if (pvName.isBlank()) {
            log.info("{} is no PV's volume; no event: {}", where, stale.message());
            metrics.result(type, "unresolved");
            return;
        }
        PersistentVolume pv = view.volume(pvName);
        ObjectReference claimRef = pv == null || pv.getSpec() == null ? null : pv.getSpec().getClaimRef();
        PersistentVolumeClaim pvc = claimRef == null ? null : view.claim(claimRef.getNamespace(), claimRef.getName());
        if (pvc == null || (claimRef.getUid() != null && !claimRef.getUid().equals(pvc.getMetadata().getUid()))) {
            log.warn("{}: {}; no event: {}", where, pv == null ? "PV " + pvName + " is not known"
                    : claimRef == null ? "PV " + pvName + " is bound to no claim"
                    : "the claim " + claimRef.getNamespace() + "/" + claimRef.getName() + " of PV " + pvName
                    + " is not known", stale.message());
            metrics.result(type, "unresolved");
            return;
        }
        String message = "Node " + stale.nodeName() + ": " + stale.message();
        events.warning(pvc, EVENT_VOLUME_MOUNT_STALE, message);
        String podUid = stale.podUid() == null ? "" : stale.podUid();
        if (!podUid.isBlank()) {
            view.podsUsing(claimRef.getNamespace(), claimRef.getName()).stream()
                    .filter(pod -> podUid.equals(pod.getMetadata().getUid()))
                    .findFirst()
                    .ifPresent(pod -> events.warning(pod, EVENT_VOLUME_MOUNT_STALE, message));
        }
        log.warn("{} {} on node {}, claim {}/{}: {}", EVENT_VOLUME_MOUNT_STALE, stale.recovered() ? "recovered" : "not recovered",
                stale.nodeName(), claimRef.getNamespace(), claimRef.getName(), stale.message());
        metrics.result(type, "applied");
    }

    private void recordDurations(PersistentVolumeClaim before, ResizeEvent event) {
        Instant now = clock.instant();
        ClaimFacts facts = ClaimFacts.of(before);
        Instant controllerSince = transitionTime(facts, RESIZING);
        Instant nodeSince = transitionTime(facts, FILE_SYSTEM_RESIZE_PENDING);
        if (event instanceof VolumeExpanded expanded) {
            metrics.stageCompleted("controller", "expanded", controllerSince, now);
            if (!expanded.nodeExpansionRequired()) {
                metrics.operationEnded(event.operationId(), "succeeded", now);
            }
        } else if (event instanceof VolumeExpansionFailed failed) {
            metrics.stageCompleted("controller", "failed", controllerSince, now);
            if (failed.kind() == io.pvcresizer.common.events.FailureKind.INFEASIBLE) {
                metrics.operationEnded(event.operationId(), "infeasible", now);
            }
        } else if (event instanceof FilesystemExpanded) {
            metrics.stageCompleted("node", "expanded", nodeSince, now);
            metrics.operationEnded(event.operationId(), "succeeded", now);
        } else if (event instanceof FilesystemExpansionFailed) {
            metrics.stageCompleted("node", "failed", nodeSince, now);
        }
    }

    private static Instant transitionTime(ClaimFacts facts, String type) {
        return facts.condition(type).map(c -> {
            try {
                return c.getLastTransitionTime() == null ? null : Instant.parse(c.getLastTransitionTime());
            } catch (java.time.format.DateTimeParseException e) {
                return null;
            }
        }).orElse(null);
    }

    /** The claim's backend step is the one for {@code targetBytes} (in flight, or failed and not yet retried). */
    private static boolean isControllerStep(PersistentVolumeClaimStatus status, long targetBytes) {
        ClaimFacts facts = ClaimFacts.of(status);
        return (CONTROLLER_RESIZE_IN_PROGRESS.equals(facts.resizeStatus()) || CONTROLLER_RESIZE_INFEASIBLE.equals(facts.resizeStatus()))
                && facts.allocatedBytes() != null && facts.allocatedBytes() == targetBytes;
    }

    /** The claim is in the node stage of the very operation the node result belongs to. */
    private static boolean isNodeStepOf(PersistentVolumeClaim pvc, ResizeEvent event) {
        ClaimFacts facts = ClaimFacts.of(pvc);
        return inNodeStage(facts.resizeStatus()) && facts.allocatedBytes() != null
                && event.operationId().equals(OperationIds.of(pvc, facts.allocatedBytes()));
    }

    private static boolean isNodeStage(PersistentVolumeClaimStatus status, Long allocatedBytes) {
        ClaimFacts facts = ClaimFacts.of(status);
        return inNodeStage(facts.resizeStatus()) && java.util.Objects.equals(facts.allocatedBytes(), allocatedBytes);
    }

    /** Whether the resize status is one of the node stage; a claim with no resize under way has none (Set.of refuses null). */
    private static boolean inNodeStage(String resizeStatus) {
        return resizeStatus != null && NODE_STAGE.contains(resizeStatus);
    }

    /**
     * Writes {@code change} onto the claim just read, only if its status (or, after a conflict, the status read afresh)
     * still passes {@code precondition}; false when it no longer did.
     */
    private boolean writeIf(PersistentVolumeClaim justRead, Predicate<PersistentVolumeClaimStatus> precondition,
                            UnaryOperator<PersistentVolumeClaimStatus> change) {
        AtomicBoolean stale = new AtomicBoolean();
        writer.updateClaimStatus(justRead, ClaimStatusUpdates.onlyIf(precondition, change, stale));
        return !stale.get();
    }

    private boolean volumeExpanded(PersistentVolumeClaim pvc, VolumeExpanded expanded) {
        VolumeRef ref = expanded.volume();
        String newSize = StorageQuantities.format(expanded.newSizeBytes());
        Predicate<PersistentVolumeClaimStatus> current = status -> isControllerStep(status, expanded.targetBytes());
        if (expanded.nodeExpansionRequired()) {
            Long capacity = ClaimFacts.of(pvc).capacityBytes();
            writer.updateVolume(ref.pvName(), pv -> growVolume(pv, expanded.newSizeBytes(), capacity));
            if (!writeIf(pvc, current, ClaimStatusUpdates.nodeResizePending(clock.instant()))) {
                return false;
            }
            events.normal(pvc, EVENT_FILE_SYSTEM_RESIZE_REQUIRED, "Require file system resize of volume on node");
            log.info("volume {} grown to {} in its backend; file system resize pending", ref.pvName(), newSize);
            reconcileLater.accept(ref.claimKey());
        } else {
            writer.updateVolume(ref.pvName(), pv -> growVolume(pv, expanded.newSizeBytes(), null));
            if (!writeIf(pvc, current, ClaimStatusUpdates.resizeFinished(expanded.newSizeBytes()))) {
                return false;
            }
            events.normal(pvc, EVENT_VOLUME_RESIZE_SUCCESSFUL, "resize volume \"" + ref.pvName() + "\" by resizer \""
                    + resizerName + "\" finished successfully");
            log.info("volume {} grown to {}; no node step needed, resize complete", ref.pvName(), newSize);
        }
        return true;
    }

    private boolean volumeFailed(PersistentVolumeClaim pvc, VolumeExpansionFailed failed) {
        VolumeRef ref = failed.volume();
        String message = "resize volume \"" + ref.pvName() + "\" by resizer \"" + resizerName + "\" failed: " + failed.message();
        if (!writeIf(pvc, status -> isControllerStep(status, failed.targetBytes()),
                ClaimStatusUpdates.controllerResizeFailed(failed.kind(), failed.reason(), message, clock.instant()))) {
            return false;
        }
        events.warning(pvc, EVENT_VOLUME_RESIZE_FAILED, message);
        log.warn("volume expansion failed ({} {}): {}", failed.kind(), failed.reason(), failed.message());
        return true;
    }

    private boolean filesystemExpanded(PersistentVolumeClaim pvc, FilesystemExpanded expanded, Long allocated) {
        VolumeRef ref = expanded.volume();
        PersistentVolume pv = writer.readVolume(ref.pvName()).orElse(null);
        long capacity = pv == null ? expanded.targetBytes() : ResizeDecider.pvCapacity(pv).orElse(expanded.targetBytes());
        if (!writeIf(pvc, status -> isNodeStage(status, allocated), ClaimStatusUpdates.resizeFinished(capacity))) {
            return false;
        }
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

    private boolean filesystemFailed(PersistentVolumeClaim pvc, FilesystemExpansionFailed failed, Long allocated) {
        VolumeRef ref = failed.volume();
        String message = "MountVolume.NodeExpandVolume failed for volume \"" + ref.pvName() + "\" on node "
                + failed.nodeName() + ": " + failed.message();
        if (!writeIf(pvc, status -> isNodeStage(status, allocated),
                ClaimStatusUpdates.nodeResizeFailed(failed.kind(), failed.reason(), message, clock.instant()))) {
            return false;
        }
        events.warning(pvc, EVENT_FILE_SYSTEM_RESIZE_FAILED, message);
        log.warn("file system expansion failed on node {} ({} {}): {}", failed.nodeName(), failed.kind(), failed.reason(),
                failed.message());
        return true;
    }

    /** The PV grown to {@code newSizeBytes}; with {@code preResizeCapacity} the pre-resize annotation is set too. */
    private static PersistentVolume growVolume(PersistentVolume pv, long newSizeBytes, Long preResizeCapacity) {
        long current = ResizeDecider.pvCapacity(pv).orElse(0L);
        if (current >= newSizeBytes) {
            return pv;
        }
        if (preResizeCapacity != null) {
            Map<String, String> annotations = pv.getMetadata().getAnnotations() == null
                    ? new HashMap<>() : new HashMap<>(pv.getMetadata().getAnnotations());
            annotations.putIfAbsent(ANNOTATION_PRE_RESIZE_CAPACITY, StorageQuantities.format(preResizeCapacity));
            pv.getMetadata().setAnnotations(annotations);
        }
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
