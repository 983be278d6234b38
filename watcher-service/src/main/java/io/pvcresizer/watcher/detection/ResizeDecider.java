package io.pvcresizer.watcher.detection;

import io.pvcresizer.common.drivers.BuiltInDrivers;
import static io.pvcresizer.common.kubernetes.ResizeConditions.ANNOTATION_PRE_RESIZE_CAPACITY;
import static io.pvcresizer.common.kubernetes.ResizeConditions.ANNOTATION_STORAGE_RESIZER;
import static io.pvcresizer.common.kubernetes.ResizeConditions.CONTROLLER_RESIZE_ERROR;
import static io.pvcresizer.common.kubernetes.ResizeConditions.CONTROLLER_RESIZE_INFEASIBLE;
import static io.pvcresizer.common.kubernetes.ResizeConditions.CONTROLLER_RESIZE_IN_PROGRESS;
import static io.pvcresizer.common.kubernetes.ResizeConditions.NODE_RESIZE_ERROR;
import static io.pvcresizer.common.kubernetes.ResizeConditions.NODE_RESIZE_INFEASIBLE;
import static io.pvcresizer.common.kubernetes.ResizeConditions.NODE_RESIZE_IN_PROGRESS;
import static io.pvcresizer.common.kubernetes.ResizeConditions.NODE_RESIZE_PENDING;

import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.pvcresizer.common.failure.Reason;
import io.pvcresizer.common.quantity.StorageQuantities;
import io.pvcresizer.watcher.coexistence.OtherResizers;
import io.pvcresizer.watcher.detection.ResizeDecision.CancelResize;
import io.pvcresizer.watcher.detection.ResizeDecision.ClearPreResizeAnnotation;
import io.pvcresizer.watcher.detection.ResizeDecision.Ignore;
import io.pvcresizer.watcher.detection.ResizeDecision.RedriveVolumeExpansion;
import io.pvcresizer.watcher.detection.ResizeDecision.Refuse;
import io.pvcresizer.watcher.detection.ResizeDecision.StandBack;
import io.pvcresizer.watcher.detection.ResizeDecision.StartNodeExpansion;
import io.pvcresizer.watcher.detection.ResizeDecision.StartVolumeExpansion;
import io.pvcresizer.watcher.detection.ResizeDecision.WaitUntilUnused;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Decides, as a pure function of a PVC, its PV, StorageClass and pods, whether the PVC needs a resize step now and
 * whether it is allowed, following the Kubernetes expansion state machine ({@code allocatedResourceStatuses}); a
 * claim of a driver it does not serve, or one another resizer is active for, is left alone.
 */
public final class ResizeDecider {

    private final Set<String> drivers;
    private final Set<String> offlineDrivers;
    private final OtherResizers otherResizers;
    private final Duration failedRetryAfter;
    private final Duration redriveAfter;

    public ResizeDecider(Set<String> drivers, Duration failedRetryAfter, Duration redriveAfter) {
        this(drivers, Set.of(), OtherResizers.NONE, failedRetryAfter, redriveAfter);
    }

    /**
     * @param drivers        the drivers pvc-resizer serves; claims of any other driver are never written
     * @param offlineDrivers served drivers that grow a volume only while no pod uses it
     * @param otherResizers  which served drivers another resizer is active for (pvc-resizer then stands back)
     */
    public ResizeDecider(Set<String> drivers, Set<String> offlineDrivers, OtherResizers otherResizers,
            Duration failedRetryAfter, Duration redriveAfter) {
        this.drivers = Set.copyOf(drivers);
        this.offlineDrivers = Set.copyOf(offlineDrivers);
        this.otherResizers = otherResizers;
        this.failedRetryAfter = failedRetryAfter;
        this.redriveAfter = redriveAfter;
    }

    /** What to do about the claim in {@code state} at time {@code now}. */
    public ResizeDecision decide(ClaimState state, Instant now) {
        PersistentVolumeClaim pvc = state.pvc();
        ClaimFacts facts = ClaimFacts.of(pvc);
        // Ownership first: a claim of a driver pvc-resizer does not serve is never written, not even refused.
        String driver = claimDriver(state);
        PersistentVolume pv = state.pv();
        if (pv != null && pv.getSpec() != null && (pv.getSpec().getRbd() != null || pv.getSpec().getCephfs() != null)) {
            return decideInTree(facts, pv);
        }
        if (driver == null) {
            return new Ignore("the claim's driver is not known (no volume or class yet)");
        }
        if (!drivers.contains(driver)) {
            return new Ignore("driver " + driver + " is not served by pvc-resizer");
        }
        Optional<String> otherResizer = otherResizers.activeFor(driver);
        if (otherResizer.isPresent()) {
            boolean raised = facts.requestedBytes() != null && facts.capacityBytes() != null
                    && facts.requestedBytes() > facts.capacityBytes();
            return raised || facts.resizeStatus() != null ? new StandBack(driver, otherResizer.get())
                    : new Ignore("another resizer is active for driver " + driver + "; no resize asked");
        }
        if (facts.invalidRequest() != null) {
            return refuseOnce(facts, Reason.INVALID_SIZE.code(),
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
                return refuseOnce(facts, Reason.CLAIM_NOT_BOUND.code(),
                        "cannot expand claim: it is not bound to a volume (phase "
                                + (pvc.getStatus() == null ? "unknown" : pvc.getStatus().getPhase()) + ")");
            }
            return new Ignore("not bound");
        }
        if (facts.capacityBytes() == null) {
            return new Ignore("no status.capacity yet");
        }
        long capacity = facts.capacityBytes();
        if (pv == null) {
            return new Ignore("volume " + pvc.getSpec().getVolumeName() + " not known yet");
        }
        if (!claimRefMatches(pv, pvc)) {
            return refuseOnce(facts, Reason.VOLUME_CLAIM_MISMATCH.code(), "cannot expand claim: volume " + pv.getMetadata().getName()
                    + " is not bound to it (claimRef does not match)");
        }
        try {
            pvCapacity(pv);
        } catch (IllegalArgumentException e) {
            // A capacity no byte count can hold (the API server accepts 9Ei): shown once, not thrown on every reconcile.
            return refuseOnce(facts, Reason.INVALID_SIZE.code(), "cannot expand claim: volume " + pv.getMetadata().getName()
                    + " has a capacity pvc-resizer cannot work with: " + e.getMessage());
        }
        String resizeStatus = facts.resizeStatus();
        if (!isNodeStage(resizeStatus) && hasPreResizeAnnotation(pv) && capacity >= pvCapacity(pv).orElse(Long.MAX_VALUE)) {
            // The node step is over (the kubelet finished it, or we did): the annotation has done its job.
            return new ClearPreResizeAnnotation(pv.getMetadata().getName());
        }
        Long allocated = facts.allocatedBytes();
        boolean raisedBeyondAllocation = allocated == null || requested > allocated;
        if (isNodeStage(resizeStatus) && !(raisedBeyondAllocation && !NODE_RESIZE_IN_PROGRESS.equals(resizeStatus))) {
            return decideNodeStage(state, facts, pv, now);
        }
        Duration sinceUpdate = since(facts.lastResizeUpdate(), now);
        if (requested <= capacity) {
            if (requested < capacity && !CONTROLLER_RESIZE_IN_PROGRESS.equals(resizeStatus)) {
                return refuseOnce(facts, Reason.SHRINK_NOT_SUPPORTED.code(), "cannot shrink volume: requested "
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
                return new RedriveVolumeExpansion(allocated, driver);
            }
            return new Ignore("at requested size");
        }
        StorageClass storageClass = state.storageClass();
        if (storageClass == null || !Boolean.TRUE.equals(storageClass.getAllowVolumeExpansion())) {
            String className = pvc.getSpec().getStorageClassName();
            return refuseOnce(facts, Reason.EXPANSION_NOT_ALLOWED.code(), className == null || className.isBlank()
                    ? "cannot expand claim: it has no storage class, and only classes with allowVolumeExpansion: true can be expanded"
                    : "cannot expand claim: storage class " + className + " does not set allowVolumeExpansion: true");
        }
        boolean sameTarget = allocated != null && allocated == requested;
        Optional<Pod> user = podUsing(state);
        boolean offline = offlineDrivers.contains(driver) || facts.condition(CONTROLLER_RESIZE_ERROR)
                .filter(c -> Reason.VOLUME_IN_USE.code().equals(c.getReason())).isPresent();
        if (offline && user.isPresent()) {
            return new WaitUntilUnused(driver, user.get().getMetadata().getName());
        }
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

    /**
     * A PV of the in-tree {@code kubernetes.io/rbd} or {@code kubernetes.io/cephfs} plugin: nothing in a current
     * cluster can grow it, so a raised request is refused with the cause and the way out.
     */
    private static ResizeDecision decideInTree(ClaimFacts facts, PersistentVolume pv) {
        if (facts.requestedBytes() == null || facts.capacityBytes() == null || facts.requestedBytes() <= facts.capacityBytes()) {
            return new Ignore("in-tree volume, no resize asked");
        }
        String plugin = pv.getSpec().getRbd() != null ? "kubernetes.io/rbd" : "kubernetes.io/cephfs";
        String csiDriver = pv.getSpec().getRbd() != null ? BuiltInDrivers.RBD : BuiltInDrivers.CEPHFS;
        return refuseOnce(facts, Reason.IN_TREE_PLUGIN_REMOVED.code(), "cannot expand claim: volume " + pv.getMetadata().getName()
                + " uses the in-tree volume plugin " + plugin + ", which Kubernetes removed in 1.31 (and which cannot be"
                + " resized through CSI); migrate the volume to the ceph-csi driver " + csiDriver
                + " (a CSI PersistentVolume for the same image or subvolume), then raise the request again");
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

    /**
     * The driver that owns the claim: the one Kubernetes handed it to ({@code volume.kubernetes.io/storage-resizer}),
     * else the bound PV's CSI driver, else the class's provisioner; null when none of them is known.
     */
    static String claimDriver(ClaimState state) {
        String handedTo = annotation(state.pvc(), ANNOTATION_STORAGE_RESIZER);
        if (handedTo != null && !handedTo.isBlank()) {
            return handedTo;
        }
        if (state.pv() != null) {
            return driverOf(state.pv(), state.storageClass());
        }
        return state.storageClass() == null ? null : state.storageClass().getProvisioner();
    }

    private static boolean hasPreResizeAnnotation(PersistentVolume pv) {
        return pv.getMetadata().getAnnotations() != null
                && pv.getMetadata().getAnnotations().containsKey(ANNOTATION_PRE_RESIZE_CAPACITY);
    }

    /** A pod that uses the claim and is not finished, scheduled or not. */
    static Optional<Pod> podUsing(ClaimState state) {
        return state.pods().stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                .filter(p -> p.getStatus() == null || !Set.of("Succeeded", "Failed").contains(p.getStatus().getPhase()))
                .min(Comparator.comparing(p -> p.getMetadata().getName()));
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
