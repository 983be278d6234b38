package io.pvcresizer.watcher.status;

import static io.pvcresizer.common.kubernetes.ResizeConditions.CONTROLLER_RESIZE_ERROR;
import static io.pvcresizer.common.kubernetes.ResizeConditions.CONTROLLER_RESIZE_INFEASIBLE;
import static io.pvcresizer.common.kubernetes.ResizeConditions.CONTROLLER_RESIZE_IN_PROGRESS;
import static io.pvcresizer.common.kubernetes.ResizeConditions.FILE_SYSTEM_RESIZE_PENDING;
import static io.pvcresizer.common.kubernetes.ResizeConditions.MESSAGE_FILE_SYSTEM_RESIZE_PENDING;
import static io.pvcresizer.common.kubernetes.ResizeConditions.NODE_RESIZE_ERROR;
import static io.pvcresizer.common.kubernetes.ResizeConditions.NODE_RESIZE_INFEASIBLE;
import static io.pvcresizer.common.kubernetes.ResizeConditions.NODE_RESIZE_IN_PROGRESS;
import static io.pvcresizer.common.kubernetes.ResizeConditions.NODE_RESIZE_PENDING;
import static io.pvcresizer.common.kubernetes.ResizeConditions.RESIZING;
import static io.pvcresizer.common.kubernetes.ResizeConditions.STORAGE;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaimCondition;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimStatus;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.pvcresizer.common.events.FailureKind;
import io.pvcresizer.common.failure.Reason;
import io.pvcresizer.common.quantity.StorageQuantities;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The PVC status transitions of volume expansion, each a pure function from one status to the next, written exactly
 * as Kubernetes' resizer and kubelet write them (conditions, {@code allocatedResources},
 * {@code allocatedResourceStatuses}, {@code capacity}).
 */
public final class ClaimStatusUpdates {

    private ClaimStatusUpdates() {
    }

    /** Step 1: the backend step starts; condition Resizing, allocatedResources = target, ControllerResizeInProgress. */
    public static UnaryOperator<PersistentVolumeClaimStatus> controllerResizeStarted(long targetBytes, Instant now) {
        return status -> {
            PersistentVolumeClaimStatus next = copy(status);
            next.setConditions(PvcConditions.replaceResizeConditions(next.getConditions(),
                    List.of(PvcConditions.condition(RESIZING, null, null, now))));
            next.setAllocatedResources(withStorage(next.getAllocatedResources(), StorageQuantities.quantity(targetBytes)));
            next.setAllocatedResourceStatuses(withStorageStatus(next.getAllocatedResourceStatuses(), CONTROLLER_RESIZE_IN_PROGRESS));
            return next;
        };
    }

    /** Step 2: the backend is done and a node must grow the filesystem; FileSystemResizePending, NodeResizePending. */
    public static UnaryOperator<PersistentVolumeClaimStatus> nodeResizePending(Instant now) {
        return status -> {
            PersistentVolumeClaimStatus next = copy(status);
            next.setConditions(PvcConditions.replaceResizeConditions(next.getConditions(), List.of(
                    PvcConditions.condition(FILE_SYSTEM_RESIZE_PENDING, null, MESSAGE_FILE_SYSTEM_RESIZE_PENDING, now))));
            next.setAllocatedResourceStatuses(withStorageStatus(next.getAllocatedResourceStatuses(), NODE_RESIZE_PENDING));
            return next;
        };
    }

    /** A node agent was asked to grow the filesystem: NodeResizeInProgress, FileSystemResizePending kept. */
    public static UnaryOperator<PersistentVolumeClaimStatus> nodeResizeStarted(Instant now) {
        return nodeResizeStarted(now, null);
    }

    /**
     * As {@link #nodeResizeStarted(Instant)}, re-requested while the node does not answer: with {@code silence}, a
     * {@code NodeResizeError} saying so, beside {@code FileSystemResizePending}.
     */
    public static UnaryOperator<PersistentVolumeClaimStatus> nodeResizeStarted(Instant now, String silence) {
        return status -> {
            PersistentVolumeClaimStatus next = copy(status);
            List<io.fabric8.kubernetes.api.model.PersistentVolumeClaimCondition> conditions = new java.util.ArrayList<>(List.of(
                    PvcConditions.condition(FILE_SYSTEM_RESIZE_PENDING, null, MESSAGE_FILE_SYSTEM_RESIZE_PENDING, now)));
            if (silence != null) {
                conditions.add(PvcConditions.condition(NODE_RESIZE_ERROR, Reason.NODE_AGENT_NOT_ANSWERING.code(), silence, now));
            }
            next.setConditions(PvcConditions.replaceResizeConditions(next.getConditions(), conditions));
            next.setAllocatedResourceStatuses(withStorageStatus(next.getAllocatedResourceStatuses(), NODE_RESIZE_IN_PROGRESS));
            return next;
        };
    }

    /** Steps 3 and 5: done; capacity = new size, the resize conditions and the storage resize status removed. */
    public static UnaryOperator<PersistentVolumeClaimStatus> resizeFinished(long capacityBytes) {
        return status -> {
            PersistentVolumeClaimStatus next = copy(status);
            next.setCapacity(withStorage(next.getCapacity(), StorageQuantities.quantity(capacityBytes)));
            next.setConditions(PvcConditions.replaceResizeConditions(next.getConditions(), List.of()));
            next.setAllocatedResourceStatuses(withStorageStatus(next.getAllocatedResourceStatuses(), null));
            return next;
        };
    }

    /**
     * Step 4: the backend failed; ControllerResizeError, and ControllerResizeInfeasible for an infeasible failure or
     * ControllerResizeInProgress (retried later) for any other.
     */
    public static UnaryOperator<PersistentVolumeClaimStatus> controllerResizeFailed(
            FailureKind kind, String reason, String message, Instant now) {
        String resizeStatus = kind == FailureKind.INFEASIBLE ? CONTROLLER_RESIZE_INFEASIBLE : CONTROLLER_RESIZE_IN_PROGRESS;
        return status -> {
            PersistentVolumeClaimStatus next = copy(status);
            next.setConditions(PvcConditions.replaceResizeConditions(next.getConditions(),
                    List.of(PvcConditions.condition(CONTROLLER_RESIZE_ERROR, reason, message, now))));
            next.setAllocatedResourceStatuses(withStorageStatus(next.getAllocatedResourceStatuses(), resizeStatus));
            return next;
        };
    }

    /**
     * Step 5, failure: NodeResizeError beside FileSystemResizePending; NodeResizeInfeasible for an infeasible failure,
     * NodeResizePending (retried later) for any other.
     */
    public static UnaryOperator<PersistentVolumeClaimStatus> nodeResizeFailed(
            FailureKind kind, String reason, String message, Instant now) {
        String resizeStatus = kind == FailureKind.INFEASIBLE ? NODE_RESIZE_INFEASIBLE : NODE_RESIZE_PENDING;
        return status -> {
            PersistentVolumeClaimStatus next = copy(status);
            next.setConditions(PvcConditions.replaceResizeConditions(next.getConditions(), List.of(
                    PvcConditions.condition(FILE_SYSTEM_RESIZE_PENDING, null, MESSAGE_FILE_SYSTEM_RESIZE_PENDING, now),
                    PvcConditions.condition(NODE_RESIZE_ERROR, reason, message, now))));
            next.setAllocatedResourceStatuses(withStorageStatus(next.getAllocatedResourceStatuses(), resizeStatus));
            return next;
        };
    }

    /** A refused resize: a ControllerResizeError condition saying why; nothing else changes. */
    public static UnaryOperator<PersistentVolumeClaimStatus> refused(String reason, String message, Instant now) {
        return status -> {
            PersistentVolumeClaimStatus next = copy(status);
            List<PersistentVolumeClaimCondition> kept = new ArrayList<>();
            if (next.getConditions() != null) {
                next.getConditions().stream().filter(c -> !CONTROLLER_RESIZE_ERROR.equals(c.getType())).forEach(kept::add);
            }
            kept.add(PvcConditions.condition(CONTROLLER_RESIZE_ERROR, reason, message, now));
            next.setConditions(kept);
            return next;
        };
    }

    /** KEP-1790 recovery back to the current capacity: the resize state is cleared, allocatedResources = capacity. */
    public static UnaryOperator<PersistentVolumeClaimStatus> resizeCancelled(long capacityBytes) {
        return status -> {
            PersistentVolumeClaimStatus next = copy(status);
            next.setConditions(PvcConditions.replaceResizeConditions(next.getConditions(), List.of()));
            next.setAllocatedResources(withStorage(next.getAllocatedResources(), StorageQuantities.quantity(capacityBytes)));
            next.setAllocatedResourceStatuses(withStorageStatus(next.getAllocatedResourceStatuses(), null));
            return next;
        };
    }

    /**
     * {@code change}, applied only while {@code precondition} holds for the status as read from the API server;
     * otherwise the status is left as it is and {@code stale} is set.
     */
    public static UnaryOperator<PersistentVolumeClaimStatus> onlyIf(
            java.util.function.Predicate<PersistentVolumeClaimStatus> precondition,
            UnaryOperator<PersistentVolumeClaimStatus> change, java.util.concurrent.atomic.AtomicBoolean stale) {
        return status -> {
            if (!precondition.test(status)) {
                stale.set(true);
                return status;
            }
            return change.apply(status);
        };
    }

    private static PersistentVolumeClaimStatus copy(PersistentVolumeClaimStatus status) {
        return status == null ? new PersistentVolumeClaimStatus() : new PersistentVolumeClaimStatusBuilder(status).build();
    }

    private static Map<String, Quantity> withStorage(Map<String, Quantity> resources, Quantity storage) {
        Map<String, Quantity> next = resources == null ? new LinkedHashMap<>() : new LinkedHashMap<>(resources);
        next.put(STORAGE, storage);
        return next;
    }

    private static Map<String, String> withStorageStatus(Map<String, String> statuses, String value) {
        Map<String, String> next = statuses == null ? new LinkedHashMap<>() : new LinkedHashMap<>(statuses);
        if (value == null) {
            next.remove(STORAGE);
        } else {
            next.put(STORAGE, value);
        }
        return next.isEmpty() ? null : next;
    }
}
