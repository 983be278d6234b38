package io.pvcresizer.watcher.projection;

import static io.pvcresizer.common.kubernetes.ResizeConditions.FILE_SYSTEM_RESIZE_PENDING;
import static io.pvcresizer.common.kubernetes.ResizeConditions.RESIZING;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.pvcresizer.common.events.FailureKind;
import io.pvcresizer.common.events.FilesystemExpanded;
import io.pvcresizer.common.events.FilesystemExpansionFailed;
import io.pvcresizer.common.events.ResizeEvent;
import io.pvcresizer.common.events.VolumeExpanded;
import io.pvcresizer.common.events.VolumeExpansionFailed;
import io.pvcresizer.watcher.detection.ClaimFacts;
import io.pvcresizer.watcher.metrics.WatcherMetrics;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Times the steps of a resize from the claim's conditions as they were before an applied result: the controller step
 * since {@code Resizing}, the node step since {@code FileSystemResizePending}, and the whole operation when it ends.
 */
final class StageDurations {

    private final WatcherMetrics metrics;
    private final Clock clock;

    StageDurations(WatcherMetrics metrics, Clock clock) {
        this.metrics = metrics;
        this.clock = clock;
    }

    /** Records what {@code event}, just applied to the claim that was {@code before}, completed. */
    void record(PersistentVolumeClaim before, ResizeEvent event) {
        Instant now = clock.instant();
        ClaimFacts facts = ClaimFacts.of(before);
        if (event instanceof VolumeExpanded expanded) {
            metrics.stageCompleted("controller", "expanded", since(facts, RESIZING), now);
            if (!expanded.nodeExpansionRequired()) {
                metrics.operationEnded(event.operationId(), "succeeded", now);
            }
        } else if (event instanceof VolumeExpansionFailed failed) {
            metrics.stageCompleted("controller", "failed", since(facts, RESIZING), now);
            if (failed.kind() == FailureKind.INFEASIBLE) {
                metrics.operationEnded(event.operationId(), "infeasible", now);
            }
        } else if (event instanceof FilesystemExpanded) {
            metrics.stageCompleted("node", "expanded", since(facts, FILE_SYSTEM_RESIZE_PENDING), now);
            metrics.operationEnded(event.operationId(), "succeeded", now);
        } else if (event instanceof FilesystemExpansionFailed) {
            metrics.stageCompleted("node", "failed", since(facts, FILE_SYSTEM_RESIZE_PENDING), now);
        }
    }

    private static Instant since(ClaimFacts facts, String conditionType) {
        return facts.condition(conditionType).map(c -> {
            try {
                return c.getLastTransitionTime() == null ? null : Instant.parse(c.getLastTransitionTime());
            } catch (DateTimeParseException e) {
                return null;
            }
        }).orElse(null);
    }
}
