package io.pvcresizer.watcher.detection;

import static io.pvcresizer.common.kubernetes.ResizeConditions.RESIZE_CONDITION_TYPES;
import static io.pvcresizer.common.kubernetes.ResizeConditions.STORAGE;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimCondition;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimStatus;
import io.fabric8.kubernetes.api.model.Quantity;
import io.pvcresizer.common.quantity.StorageQuantities;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;

/**
 * The resize-relevant readings of a PVC: requested, capacity and allocated sizes in bytes, the storage resize status
 * and the resize conditions.
 *
 * @param requestedBytes {@code spec.resources.requests.storage}, or null when absent
 * @param invalidRequest the unparseable request string, or null when it parsed
 * @param capacityBytes  {@code status.capacity.storage}, or null
 * @param allocatedBytes {@code status.allocatedResources.storage}, or null
 * @param resizeStatus   {@code status.allocatedResourceStatuses.storage}, or null
 */
public record ClaimFacts(Long requestedBytes, String invalidRequest, Long capacityBytes, Long allocatedBytes,
                         String resizeStatus, PersistentVolumeClaimStatus status) {

    /** Reads the facts of a PVC. */
    public static ClaimFacts of(PersistentVolumeClaim pvc) {
        Long requested = null;
        String invalid = null;
        Quantity request = pvc.getSpec() == null || pvc.getSpec().getResources() == null
                || pvc.getSpec().getResources().getRequests() == null
                ? null : pvc.getSpec().getResources().getRequests().get(STORAGE);
        if (request != null) {
            try {
                requested = StorageQuantities.toBytes(request);
            } catch (IllegalArgumentException e) {
                invalid = request.toString();
            }
        }
        return of(requested, invalid, pvc.getStatus());
    }

    /** Reads the status facts alone (no request). */
    public static ClaimFacts of(PersistentVolumeClaimStatus status) {
        return of(null, null, status);
    }

    private static ClaimFacts of(Long requested, String invalid, PersistentVolumeClaimStatus status) {
        if (status == null) {
            return new ClaimFacts(requested, invalid, null, null, null, null);
        }
        return new ClaimFacts(requested, invalid, bytes(status.getCapacity()), bytes(status.getAllocatedResources()),
                status.getAllocatedResourceStatuses() == null ? null : status.getAllocatedResourceStatuses().get(STORAGE),
                status);
    }

    /** The condition of the given type, if the PVC has it. */
    public Optional<PersistentVolumeClaimCondition> condition(String type) {
        if (status == null || status.getConditions() == null) {
            return Optional.empty();
        }
        return status.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
    }

    /**
     * When the resize state was last written: the latest lastProbeTime or lastTransitionTime among the resize
     * conditions (a condition kept across writes keeps its transition time but gets a new probe time).
     */
    public Optional<Instant> lastResizeUpdate() {
        if (status == null || status.getConditions() == null) {
            return Optional.empty();
        }
        return status.getConditions().stream()
                .filter(c -> RESIZE_CONDITION_TYPES.contains(c.getType()))
                .map(ClaimFacts::updateTime)
                .flatMap(Optional::stream)
                .max(Instant::compareTo);
    }

    /** When a condition was last written: its lastProbeTime or lastTransitionTime, whichever is later. */
    public static Optional<Instant> updateTime(PersistentVolumeClaimCondition condition) {
        return java.util.stream.Stream.of(parseTime(condition.getLastProbeTime()), parseTime(condition.getLastTransitionTime()))
                .flatMap(Optional::stream).max(Instant::compareTo);
    }

    private static Long bytes(Map<String, Quantity> resources) {
        if (resources == null || resources.get(STORAGE) == null) {
            return null;
        }
        try {
            return StorageQuantities.toBytes(resources.get(STORAGE));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static Optional<Instant> parseTime(String time) {
        if (time == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(time));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
