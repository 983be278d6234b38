package io.pvcresizer.watcher.status;

import static io.pvcresizer.common.kubernetes.ResizeConditions.CONTROLLER_RESIZE_ERROR;
import static io.pvcresizer.common.kubernetes.ResizeConditions.CONTROLLER_RESIZE_INFEASIBLE;
import static io.pvcresizer.common.kubernetes.ResizeConditions.CONTROLLER_RESIZE_IN_PROGRESS;
import static io.pvcresizer.common.kubernetes.ResizeConditions.FILE_SYSTEM_RESIZE_PENDING;
import static io.pvcresizer.common.kubernetes.ResizeConditions.MESSAGE_FILE_SYSTEM_RESIZE_PENDING;
import static io.pvcresizer.common.kubernetes.ResizeConditions.NODE_RESIZE_ERROR;
import static io.pvcresizer.common.kubernetes.ResizeConditions.NODE_RESIZE_INFEASIBLE;
import static io.pvcresizer.common.kubernetes.ResizeConditions.NODE_RESIZE_PENDING;
import static io.pvcresizer.common.kubernetes.ResizeConditions.RESIZING;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaimCondition;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimStatus;
import io.fabric8.kubernetes.api.model.Quantity;
import io.pvcresizer.common.events.FailureKind;
import io.pvcresizer.watcher.fixtures.TestClaims;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClaimStatusUpdatesTest {

    private static final Instant NOW = Instant.parse("2026-11-27T10:00:00Z");
    private static final long MI = 1024L * 1024;

    private PersistentVolumeClaimStatus boundWithOtherCondition() {
        return TestClaims.bound("data-0").withCapacity("320Mi")
                .withCondition("ModifyingVolume", "Other", "someone else's", NOW.minusSeconds(100)).build().getStatus();
    }

    private static List<String> types(PersistentVolumeClaimStatus status) {
        return status.getConditions().stream().map(PersistentVolumeClaimCondition::getType).toList();
    }

    @Test
    void shouldMarkTheStartAsKubernetesDoes() {
        PersistentVolumeClaimStatus next = ClaimStatusUpdates.controllerResizeStarted(640 * MI, NOW).apply(boundWithOtherCondition());

        assertThat(types(next)).containsExactly("ModifyingVolume", RESIZING);
        assertThat(next.getAllocatedResources()).containsEntry("storage", new Quantity("640Mi"));
        assertThat(next.getAllocatedResourceStatuses()).containsEntry("storage", CONTROLLER_RESIZE_IN_PROGRESS);
        assertThat(next.getCapacity()).containsEntry("storage", new Quantity("320Mi"));
        assertThat(PvcConditions.find(next.getConditions(), RESIZING).getLastTransitionTime()).isEqualTo(NOW.toString());
    }

    @Test
    void shouldNotChangeTheStatusItWasGiven() {
        PersistentVolumeClaimStatus original = boundWithOtherCondition();

        ClaimStatusUpdates.controllerResizeStarted(640 * MI, NOW).apply(original);

        assertThat(types(original)).containsExactly("ModifyingVolume");
        assertThat(original.getAllocatedResources()).isNullOrEmpty();
    }

    @Test
    void shouldMoveToFileSystemResizePendingWithKubernetesMessage() {
        PersistentVolumeClaimStatus started = ClaimStatusUpdates.controllerResizeStarted(640 * MI, NOW).apply(boundWithOtherCondition());

        PersistentVolumeClaimStatus next = ClaimStatusUpdates.nodeResizePending(NOW).apply(started);

        assertThat(types(next)).containsExactly("ModifyingVolume", FILE_SYSTEM_RESIZE_PENDING);
        assertThat(PvcConditions.find(next.getConditions(), FILE_SYSTEM_RESIZE_PENDING).getMessage())
                .isEqualTo(MESSAGE_FILE_SYSTEM_RESIZE_PENDING);
        assertThat(next.getAllocatedResourceStatuses()).containsEntry("storage", NODE_RESIZE_PENDING);
    }

    @Test
    void shouldFinishWithNewCapacityAndNoResizeState() {
        PersistentVolumeClaimStatus pending = ClaimStatusUpdates.nodeResizePending(NOW)
                .apply(ClaimStatusUpdates.controllerResizeStarted(640 * MI, NOW).apply(boundWithOtherCondition()));

        PersistentVolumeClaimStatus done = ClaimStatusUpdates.resizeFinished(640 * MI).apply(pending);

        assertThat(done.getCapacity()).containsEntry("storage", new Quantity("640Mi"));
        assertThat(types(done)).containsExactly("ModifyingVolume");
        assertThat(done.getAllocatedResourceStatuses()).isNull();
        assertThat(done.getAllocatedResources()).containsEntry("storage", new Quantity("640Mi"));
    }

    @Test
    void shouldShowEachFailureKindAsKubernetesDoes() {
        PersistentVolumeClaimStatus started = ClaimStatusUpdates.controllerResizeStarted(640 * MI, NOW).apply(boundWithOtherCondition());

        PersistentVolumeClaimStatus fin = ClaimStatusUpdates.controllerResizeFailed(FailureKind.FINAL, "Boom", "it broke", NOW).apply(started);
        PersistentVolumeClaimStatus inf = ClaimStatusUpdates.controllerResizeFailed(FailureKind.INFEASIBLE, "TooBig", "no", NOW).apply(started);
        PersistentVolumeClaimStatus tra = ClaimStatusUpdates.controllerResizeFailed(FailureKind.TRANSIENT, "Down", "later", NOW).apply(started);

        assertThat(types(fin)).containsExactly("ModifyingVolume", CONTROLLER_RESIZE_ERROR);
        assertThat(PvcConditions.find(fin.getConditions(), CONTROLLER_RESIZE_ERROR).getMessage()).isEqualTo("it broke");
        assertThat(fin.getAllocatedResourceStatuses()).containsEntry("storage", CONTROLLER_RESIZE_IN_PROGRESS);
        assertThat(inf.getAllocatedResourceStatuses()).containsEntry("storage", CONTROLLER_RESIZE_INFEASIBLE);
        assertThat(tra.getAllocatedResourceStatuses()).containsEntry("storage", CONTROLLER_RESIZE_IN_PROGRESS);
    }

    @Test
    void shouldKeepFileSystemResizePendingBesideANodeError() {
        PersistentVolumeClaimStatus pending = ClaimStatusUpdates.nodeResizePending(NOW.minusSeconds(60))
                .apply(ClaimStatusUpdates.controllerResizeStarted(640 * MI, NOW).apply(boundWithOtherCondition()));

        PersistentVolumeClaimStatus failed = ClaimStatusUpdates.nodeResizeFailed(FailureKind.INFEASIBLE, "UnknownFilesystem", "vfat", NOW)
                .apply(pending);

        assertThat(types(failed)).containsExactly("ModifyingVolume", FILE_SYSTEM_RESIZE_PENDING, NODE_RESIZE_ERROR);
        assertThat(PvcConditions.find(failed.getConditions(), FILE_SYSTEM_RESIZE_PENDING).getLastTransitionTime())
                .as("an unchanged condition keeps its transition time")
                .isEqualTo(NOW.minusSeconds(60).toString());
        assertThat(failed.getAllocatedResourceStatuses()).containsEntry("storage", NODE_RESIZE_INFEASIBLE);
    }

    @Test
    void shouldClearTheResizeStateOnCancel() {
        PersistentVolumeClaimStatus failed = ClaimStatusUpdates.controllerResizeFailed(FailureKind.INFEASIBLE, "TooBig", "no", NOW)
                .apply(ClaimStatusUpdates.controllerResizeStarted(600 * 1024 * MI, NOW).apply(boundWithOtherCondition()));

        PersistentVolumeClaimStatus cancelled = ClaimStatusUpdates.resizeCancelled(320 * MI).apply(failed);

        assertThat(types(cancelled)).containsExactly("ModifyingVolume");
        assertThat(cancelled.getAllocatedResources()).containsEntry("storage", new Quantity("320Mi"));
        assertThat(cancelled.getAllocatedResourceStatuses()).isNull();
    }

    @Test
    void shouldRecordARefusalWithoutTouchingOtherResizeState() {
        PersistentVolumeClaimStatus refused = ClaimStatusUpdates.refused("ShrinkNotSupported", "cannot shrink", NOW)
                .apply(boundWithOtherCondition());

        assertThat(types(refused)).containsExactly("ModifyingVolume", CONTROLLER_RESIZE_ERROR);
        assertThat(refused.getAllocatedResourceStatuses()).isNullOrEmpty();
    }
}
