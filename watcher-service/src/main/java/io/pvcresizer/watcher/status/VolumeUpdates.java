package io.pvcresizer.watcher.status;

import static io.pvcresizer.common.kubernetes.ResizeConditions.ANNOTATION_PRE_RESIZE_CAPACITY;
import static io.pvcresizer.common.kubernetes.ResizeConditions.STORAGE;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.Quantity;
import io.pvcresizer.common.quantity.StorageQuantities;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** The changes the watcher makes to a PV, as Kubernetes' resizer makes them: its capacity and the pre-resize annotation. */
public final class VolumeUpdates {

    private VolumeUpdates() {
    }

    /**
     * The PV grown to {@code newSizeBytes} (never shrunk); with {@code preResizeCapacity} the
     * {@code volume.alpha.kubernetes.io/pre-resize-capacity} annotation is set too, as before a node step.
     */
    public static UnaryOperator<PersistentVolume> grownTo(long newSizeBytes, Long preResizeCapacity) {
        return pv -> {
            if (capacity(pv).orElse(0L) >= newSizeBytes) {
                return pv;
            }
            if (preResizeCapacity != null) {
                Map<String, String> annotations = pv.getMetadata().getAnnotations() == null
                        ? new HashMap<>() : new HashMap<>(pv.getMetadata().getAnnotations());
                annotations.putIfAbsent(ANNOTATION_PRE_RESIZE_CAPACITY, StorageQuantities.format(preResizeCapacity));
                pv.getMetadata().setAnnotations(annotations);
            }
            Map<String, Quantity> capacity = new HashMap<>(pv.getSpec().getCapacity());
            capacity.put(STORAGE, StorageQuantities.quantity(newSizeBytes));
            pv.getSpec().setCapacity(capacity);
            return pv;
        };
    }

    /** The PV without the pre-resize annotation, once the node step is done. */
    public static PersistentVolume withoutPreResizeAnnotation(PersistentVolume pv) {
        if (pv.getMetadata().getAnnotations() == null
                || !pv.getMetadata().getAnnotations().containsKey(ANNOTATION_PRE_RESIZE_CAPACITY)) {
            return pv;
        }
        Map<String, String> annotations = new HashMap<>(pv.getMetadata().getAnnotations());
        annotations.remove(ANNOTATION_PRE_RESIZE_CAPACITY);
        pv.getMetadata().setAnnotations(annotations);
        return pv;
    }

    /** The PV's {@code spec.capacity.storage} in bytes, when present and readable. */
    private static Optional<Long> capacity(PersistentVolume pv) {
        Quantity quantity = pv.getSpec() == null || pv.getSpec().getCapacity() == null ? null
                : pv.getSpec().getCapacity().get(STORAGE);
        if (quantity == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(StorageQuantities.toBytes(quantity));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
