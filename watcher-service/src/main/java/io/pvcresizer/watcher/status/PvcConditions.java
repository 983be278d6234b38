package io.pvcresizer.watcher.status;

import static io.pvcresizer.common.kubernetes.ResizeConditions.RESIZE_CONDITION_TYPES;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaimCondition;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimConditionBuilder;
import io.pvcresizer.common.text.BoundedText;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Merges PVC conditions the way Kubernetes resizers do: only the four resize condition types are replaced, every other
 * condition stays, and a condition that keeps its type and status keeps its lastTransitionTime.
 */
public final class PvcConditions {

    private PvcConditions() {
    }

    /** A True condition of the given type, stamped {@code now}. */
    public static PersistentVolumeClaimCondition condition(String type, String reason, String message, Instant now) {
        String time = now.truncatedTo(ChronoUnit.SECONDS).toString();
        return new PersistentVolumeClaimConditionBuilder()
                .withType(type).withStatus("True").withReason(reason).withMessage(BoundedText.message(message))
                .withLastProbeTime(time).withLastTransitionTime(time)
                .build();
    }

    /** {@code existing} with all resize conditions replaced by {@code resizeConditions}. */
    public static List<PersistentVolumeClaimCondition> replaceResizeConditions(
            List<PersistentVolumeClaimCondition> existing, List<PersistentVolumeClaimCondition> resizeConditions) {
        List<PersistentVolumeClaimCondition> merged = new ArrayList<>();
        List<PersistentVolumeClaimCondition> old = existing == null ? List.of() : existing;
        for (PersistentVolumeClaimCondition condition : old) {
            if (!RESIZE_CONDITION_TYPES.contains(condition.getType())) {
                merged.add(condition);
            }
        }
        for (PersistentVolumeClaimCondition wanted : resizeConditions) {
            PersistentVolumeClaimCondition condition = wanted;
            PersistentVolumeClaimCondition previous = old.stream()
                    .filter(c -> Objects.equals(c.getType(), wanted.getType()) && Objects.equals(c.getStatus(), wanted.getStatus()))
                    .findFirst().orElse(null);
            if (previous != null && previous.getLastTransitionTime() != null) {
                condition = new PersistentVolumeClaimConditionBuilder(condition)
                        .withLastTransitionTime(previous.getLastTransitionTime()).build();
            }
            merged.add(condition);
        }
        return merged;
    }

    /** The condition of {@code type} from {@code existing}, or null. */
    public static PersistentVolumeClaimCondition find(List<PersistentVolumeClaimCondition> existing, String type) {
        if (existing == null) {
            return null;
        }
        return existing.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
    }
}
