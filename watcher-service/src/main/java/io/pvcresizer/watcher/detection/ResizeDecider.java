package io.pvcresizer.watcher.detection;

import static io.pvcresizer.common.kubernetes.ResizeConditions.ANNOTATION_STORAGE_RESIZER;
import static io.pvcresizer.common.kubernetes.ResizeConditions.CONTROLLER_RESIZE_ERROR;
import static io.pvcresizer.common.kubernetes.ResizeConditions.CONTROLLER_RESIZE_INFEASIBLE;
import static io.pvcresizer.common.kubernetes.ResizeConditions.CONTROLLER_RESIZE_IN_PROGRESS;
import static io.pvcresizer.common.kubernetes.ResizeConditions.NODE_RESIZE_ERROR;
import static io.pvcresizer.common.kubernetes.ResizeConditions.NODE_RESIZE_INFEASIBLE;
import static io.pvcresizer.common.kubernetes.ResizeConditions.NODE_RESIZE_IN_PROGRESS;
import static io.pvcresizer.common.kubernetes.ResizeConditions.NODE_RESIZE_PENDING;
import static io.pvcresizer.common.kubernetes.ResizeConditions.REASON_CLAIM_NOT_BOUND;
import static io.pvcresizer.common.kubernetes.ResizeConditions.REASON_EXPANSION_NOT_ALLOWED;
import static io.pvcresizer.common.kubernetes.ResizeConditions.REASON_INVALID_SIZE;
import static io.pvcresizer.common.kubernetes.ResizeConditions.REASON_NO_BACKEND;
import static io.pvcresizer.common.kubernetes.ResizeConditions.REASON_SHRINK_NOT_SUPPORTED;
import static io.pvcresizer.common.kubernetes.ResizeConditions.REASON_VOLUME_MISMATCH;

import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.pvcresizer.common.quantity.StorageQuantities;
import io.pvcresizer.watcher.detection.ResizeDecision.CancelResize;
import io.pvcresizer.watcher.detection.ResizeDecision.Ignore;
import io.pvcresizer.watcher.detection.ResizeDecision.RedriveVolumeExpansion;
import io.pvcresizer.watcher.detection.ResizeDecision.Refuse;
import io.pvcresizer.watcher.detection.ResizeDecision.StartNodeExpansion;
import io.pvcresizer.watcher.detection.ResizeDecision.StartVolumeExpansion;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Decides, as a pure function of a PVC, its PV, StorageClass and pods, whether the PVC needs a resize step now and
 * whether it is allowed, following the Kubernetes expansion state machine ({@code allocatedResourceStatuses}).
 */
public final class ResizeDecider {

    private final Set<String> drivers;
    private final Duration failedRetryAfter;
    private final Duration redriveAfter;

    public ResizeDecider(Set<String> drivers, Duration failedRetryAfter, Duration redriveAfter) {
        this.drivers = Set.copyOf(drivers);
        this.failedRetryAfter = failedRetryAfter;
        this.redriveAfter = redriveAfter;
    }

    /** What to do about the claim in {@code state} at time {@code now}. */
    public ResizeDecision decide(ClaimState state, Instant now) {
        PersistentVolumeClaim pvc = state.pvc();
        String externalResizer = annotation(pvc, ANNOTATION_STORAGE_RESIZER);
        if (externalResizer != null && !drivers.contains(externalResizer)) {
            return new Ignore("handed to resizer " + externalResizer + ", which pvc-resizer does not serve");
        }
        ClaimFacts facts = ClaimFacts.of(pvc);
        if (facts.invalidRequest() != null) {
            return refuseOnce(facts, REASON_INVALID_SIZE,
                    "requested storage \"" + facts.invalidRequest() + "\" is not a valid quantity");
        }
        if (facts.requestedBytes() == null) {
            return new Ignore("no storage request");
        }
        long requested = facts.requestedBytes();
        boolean bound = pvc.getStatus() != null && "Bound".equals(pvc.getStatus().getPhase())
                && pvc.getSpec().getVolumeName() != null && !pvc.getSpec().getVolumeName().isBlank();
        if (!bound) {
            if (facts.capacityBytes() != null && requested > facts.capacityBytes()) {
                return refuseOnce(facts, REASON_CLAIM_NOT_BOUND,
                        "cannot expand claim: it is not bound to a volume (phase "
                                + (pvc.getStatus() == null ? "unknown" : pvc.getStatus().getPhase()) + ")");
            }
            return new Ignore("not bound");
        }
        if (facts.capacityBytes() == null) {
            return new Ignore("no status.capacity yet");
        }
        long capacity = facts.capacityBytes();
        PersistentVolume pv = state.pv();
        if (pv == null) {
            return new Ignore("volume " + pvc.getSpec().getVolumeName() + " not known yet");
        }
        if (!claimRefMatches(pv, pvc)) {
            return refuseOnce(facts, REASON_VOLUME_MISMATCH, "cannot expand claim: volume " + pv.getMetadata().getName()
                    + " is not bound to it (claimRef does not match)");
        }
        String resizeStatus = facts.resizeStatus();
        Long allocated = facts.allocatedBytes();
        boolean raisedBeyondAllocation = allocated == null || requested > allocated;
        if (isNodeStage(resizeStatus) && !(raisedBeyondAllocation && !NODE_RESIZE_IN_PROGRESS.equals(resizeStatus))) {
            return decideNodeStage(state, facts, pv, now);
        }
        Duration sinceUpdate = since(facts.lastResizeUpdate(), now);
        if (requested <= capacity) {
            if (requested < capacity && !CONTROLLER_RESIZE_IN_PROGRESS.equals(resizeStatus)) {
                return refuseOnce(facts, REASON_SHRINK_NOT_SUPPORTED, "cannot shrink volume: requested "
                        + StorageQuantities.format(requested) + " is less than the current capacity "
                        + StorageQuantities.format(capacity));
            }
            boolean failed = CONTROLLER_RESIZE_INFEASIBLE.equals(resizeStatus) || facts.condition(CONTROLLER_RESIZE_ERROR).isPresent();
            if (failed) {
                return new CancelResize(capacity);
            }
            if (CONTROLLER_RESIZE_IN_PROGRESS.equals(resizeStatus) && allocated != null && allocated > capacity
                    && sinceUpdate.compareTo(redriveAfter) >= 0) {
                // The request was lowered while a larger step was in flight and its answer never came: finish that step.
                return new RedriveVolumeExpansion(allocated, driverOf(pv, state.storageClass()));
            }
            return new Ignore("at requested size");
        }
        StorageClass storageClass = state.storageClass();
        if (storageClass == null || !Boolean.TRUE.equals(storageClass.getAllowVolumeExpansion())) {
            String className = pvc.getSpec().getStorageClassName();
            return refuseOnce(facts, REASON_EXPANSION_NOT_ALLOWED, className == null || className.isBlank()
                    ? "cannot expand claim: it has no storage class, and only classes with allowVolumeExpansion: true can be expanded"
                    : "cannot expand claim: storage class " + className + " does not set allowVolumeExpansion: true");
        }
        String driver = driverOf(pv, storageClass);
        if (driver == null || !drivers.contains(driver)) {
            return refuseOnce(facts, REASON_NO_BACKEND, "cannot expand claim: pvc-resizer has no backend for driver "
                    + (driver == null ? "(none)" : driver) + " (configured: " + String.join(", ", drivers.stream().sorted().toList()) + ")");
        }
        boolean sameTarget = allocated != null && allocated == requested;
        if (CONTROLLER_RESIZE_IN_PROGRESS.equals(resizeStatus)) {
            Optional<Duration> sinceError = facts.condition(CONTROLLER_RESIZE_ERROR)
                    .map(c -> since(ClaimFacts.updateTime(c), now));
            if (sinceError.isPresent()) {
                if (sameTarget && sinceError.get().compareTo(failedRetryAfter) < 0) {
                    return new Ignore("backend step failed; retry after " + failedRetryAfter.minus(sinceError.get()).toSeconds() + "s");
                }
                return new StartVolumeExpansion(requested, driver);
            }
            if (sinceUpdate.compareTo(redriveAfter) < 0) {
                return new Ignore("backend step in flight");
            }
            return sameTarget ? new RedriveVolumeExpansion(requested, driver) : new StartVolumeExpansion(requested, driver);
        }
        if (CONTROLLER_RESIZE_INFEASIBLE.equals(resizeStatus) && sameTarget) {
            return new Ignore("infeasible until the request changes");
        }
        return new StartVolumeExpansion(requested, driver);
    }

    private ResizeDecision decideNodeStage(ClaimState state, ClaimFacts facts, PersistentVolume pv, Instant now) {
        long target = pvCapacity(pv).orElse(facts.allocatedBytes() == null ? 0L : facts.allocatedBytes());
        Optional<Pod> pod = podOnNode(state);
        if (pod.isEmpty()) {
            return new Ignore("file system resize pending until a pod using the claim is scheduled");
        }
        if (NODE_RESIZE_IN_PROGRESS.equals(facts.resizeStatus())) {
            return since(facts.lastResizeUpdate(), now).compareTo(redriveAfter) < 0
                    ? new Ignore("node step in flight") : new StartNodeExpansion(target, pod.get());
        }
        Optional<Duration> sinceError = facts.condition(NODE_RESIZE_ERROR).map(c -> since(ClaimFacts.updateTime(c), now));
        if (sinceError.isPresent() && sinceError.get().compareTo(failedRetryAfter) < 0) {
            return new Ignore("node step failed; retry after " + failedRetryAfter.minus(sinceError.get()).toSeconds() + "s");
        }
        return new StartNodeExpansion(target, pod.get());
    }

    /** Time from {@code then} to {@code now}; an unknown time counts as long ago, so nothing waits on it forever. */
    private static Duration since(Optional<Instant> then, Instant now) {
        return then.map(t -> Duration.between(t, now)).orElse(Duration.ofDays(365));
    }

    private static boolean isNodeStage(String resizeStatus) {
        return NODE_RESIZE_PENDING.equals(resizeStatus) || NODE_RESIZE_IN_PROGRESS.equals(resizeStatus)
                || NODE_RESIZE_INFEASIBLE.equals(resizeStatus);
    }

    /** A refusal, unless the PVC already shows this very refusal (so resyncs do not repeat the event). */
    private static ResizeDecision refuseOnce(ClaimFacts facts, String reason, String message) {
        boolean shown = facts.condition(CONTROLLER_RESIZE_ERROR)
                .filter(c -> reason.equals(c.getReason()) && message.equals(c.getMessage()))
                .isPresent();
        return shown ? new Ignore("already refused: " + message) : new Refuse(reason, message);
    }

    /** A pod of the claim that is scheduled to a node and not finished, running ones first. */
    static Optional<Pod> podOnNode(ClaimState state) {
        return state.pods().stream()
                .filter(p -> p.getSpec() != null && p.getSpec().getNodeName() != null && !p.getSpec().getNodeName().isBlank())
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                .filter(p -> p.getStatus() == null || !Set.of("Succeeded", "Failed").contains(p.getStatus().getPhase()))
                .min(Comparator.comparing((Pod p) -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase()) ? 0 : 1)
                        .thenComparing(p -> p.getMetadata().getName()));
    }

    /** The CSI driver of the PV, or the class's provisioner for volumes that are not CSI. */
    public static String driverOf(PersistentVolume pv, StorageClass storageClass) {
        if (pv.getSpec() != null && pv.getSpec().getCsi() != null && pv.getSpec().getCsi().getDriver() != null) {
            return pv.getSpec().getCsi().getDriver();
        }
        return storageClass == null ? null : storageClass.getProvisioner();
    }

    /** The PV's {@code spec.capacity.storage} in bytes. */
    public static Optional<Long> pvCapacity(PersistentVolume pv) {
        if (pv.getSpec() == null || pv.getSpec().getCapacity() == null || pv.getSpec().getCapacity().get("storage") == null) {
            return Optional.empty();
        }
        return Optional.of(StorageQuantities.toBytes(pv.getSpec().getCapacity().get("storage")));
    }

    private static boolean claimRefMatches(PersistentVolume pv, PersistentVolumeClaim pvc) {
        ObjectReference ref = pv.getSpec() == null ? null : pv.getSpec().getClaimRef();
        if (ref == null) {
            return false;
        }
        boolean uidMatches = ref.getUid() == null || pvc.getMetadata().getUid() == null
                || ref.getUid().equals(pvc.getMetadata().getUid());
        return Objects.equals(ref.getName(), pvc.getMetadata().getName())
                && Objects.equals(ref.getNamespace(), pvc.getMetadata().getNamespace()) && uidMatches;
    }

    private static String annotation(PersistentVolumeClaim pvc, String key) {
        return pvc.getMetadata().getAnnotations() == null ? null : pvc.getMetadata().getAnnotations().get(key);
    }
}
