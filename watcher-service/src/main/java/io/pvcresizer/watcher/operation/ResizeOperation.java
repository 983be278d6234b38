package io.pvcresizer.watcher.operation;

import static io.pvcresizer.common.kubernetes.ResizeConditions.CONTROLLER_RESIZE_INFEASIBLE;
import static io.pvcresizer.common.kubernetes.ResizeConditions.CONTROLLER_RESIZE_IN_PROGRESS;
import static io.pvcresizer.common.kubernetes.ResizeConditions.NODE_RESIZE_INFEASIBLE;
import static io.pvcresizer.common.kubernetes.ResizeConditions.NODE_RESIZE_IN_PROGRESS;
import static io.pvcresizer.common.kubernetes.ResizeConditions.NODE_RESIZE_PENDING;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimStatus;
import io.pvcresizer.common.events.FilesystemExpanded;
import io.pvcresizer.common.events.FilesystemExpansionFailed;
import io.pvcresizer.common.events.ResizeEvent;
import io.pvcresizer.common.events.VolumeExpanded;
import io.pvcresizer.common.events.VolumeExpansionFailed;
import io.pvcresizer.common.events.VolumeRef;
import io.pvcresizer.watcher.detection.ClaimFacts;
import java.util.Optional;
import java.util.Set;

/**
 * The resize a claim is in the middle of, derived from its status alone: the claim growing to one target
 * ({@code status.allocatedResources}) in its controller step or its node step. Its id, {@code op-<claim uid>-<target
 * bytes>}, is on every request and result of the operation, so a result answers the current operation exactly when
 * it carries this id and belongs to this step; retried, re-driven and replayed records keep the id.
 *
 * @param id          the operation id
 * @param step        the step the claim is in
 * @param targetBytes the size the claim grows to
 */
public record ResizeOperation(String id, Step step, long targetBytes) {

    /** The two steps of a resize, as the claim's {@code status.allocatedResourceStatuses} names them. */
    public enum Step {
        /** The backend grows the volume: {@code ControllerResizeInProgress}, or {@code ControllerResizeInfeasible}. */
        CONTROLLER,
        /** The node grows the filesystem: {@code NodeResizePending}, {@code NodeResizeInProgress} or {@code NodeResizeInfeasible}. */
        NODE
    }

    private static final Set<String> CONTROLLER_STATUSES = Set.of(CONTROLLER_RESIZE_IN_PROGRESS, CONTROLLER_RESIZE_INFEASIBLE);
    private static final Set<String> NODE_STATUSES = Set.of(NODE_RESIZE_PENDING, NODE_RESIZE_IN_PROGRESS, NODE_RESIZE_INFEASIBLE);

    /** The id of the operation that grows {@code pvc} to {@code targetBytes}. */
    public static String idOf(PersistentVolumeClaim pvc, long targetBytes) {
        return "op-" + identityOf(pvc) + "-" + targetBytes;
    }

    /** What requests and results say about the claim and its volume. */
    public static VolumeRef volumeRef(PersistentVolumeClaim pvc) {
        return new VolumeRef(pvc.getMetadata().getNamespace(), pvc.getMetadata().getName(), pvc.getMetadata().getUid(),
                pvc.getSpec().getVolumeName());
    }

    /** The operation the claim is in, or empty when no resize is under way. */
    public static Optional<ResizeOperation> of(PersistentVolumeClaim pvc) {
        return of(identityOf(pvc), pvc.getStatus());
    }

    /**
     * The operation {@code status} says a claim is in, or empty when no resize is under way.
     *
     * @param identity the claim's uid ({@link #identityOf(PersistentVolumeClaim)})
     */
    public static Optional<ResizeOperation> of(String identity, PersistentVolumeClaimStatus status) {
        ClaimFacts facts = ClaimFacts.of(status);
        String resizeStatus = facts.resizeStatus();
        Long allocated = facts.allocatedBytes();
        if (resizeStatus == null || allocated == null) {
            return Optional.empty();
        }
        Step step = CONTROLLER_STATUSES.contains(resizeStatus) ? Step.CONTROLLER
                : NODE_STATUSES.contains(resizeStatus) ? Step.NODE : null;
        return step == null ? Optional.empty()
                : Optional.of(new ResizeOperation("op-" + identity + "-" + allocated, step, allocated));
    }


    /**
     * Whether {@code result} answers this operation: it carries this id, and it is a volume result in the controller
     * step or a node result in the node step.
     */
    public boolean isAnsweredBy(ResizeEvent result) {
        Step answers = result instanceof VolumeExpanded || result instanceof VolumeExpansionFailed ? Step.CONTROLLER
                : result instanceof FilesystemExpanded || result instanceof FilesystemExpansionFailed ? Step.NODE : null;
        return answers == step && id.equals(result.operationId());
    }

    /**
     * A precondition for a write to {@code pvc}'s status: the status (as read again after a conflict) still says the
     * claim is in this operation.
     */
    public java.util.function.Predicate<PersistentVolumeClaimStatus> stillCurrentFor(PersistentVolumeClaim pvc) {
        String identity = identityOf(pvc);
        return status -> of(identity, status).filter(this::equals).isPresent();
    }

    /** What operation ids are made from: the claim's uid ({@code namespace.name} for a claim not yet stored). */
    public static String identityOf(PersistentVolumeClaim pvc) {
        return pvc.getMetadata().getUid() == null ? pvc.getMetadata().getNamespace() + "." + pvc.getMetadata().getName()
                : pvc.getMetadata().getUid();
    }
}
