package io.pvcresizer.watcher.projection;

import static io.pvcresizer.common.kubernetes.ResizeConditions.ANNOTATION_PRE_RESIZE_CAPACITY;
import static io.pvcresizer.common.kubernetes.ResizeConditions.CONTROLLER_RESIZE_IN_PROGRESS;
import static io.pvcresizer.common.kubernetes.ResizeConditions.NODE_RESIZE_PENDING;
import static io.pvcresizer.common.kubernetes.ResizeConditions.RESIZING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimCondition;
import io.fabric8.kubernetes.api.model.Quantity;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pvcresizer.common.events.EventHeader;
import io.pvcresizer.common.events.FailureKind;
import io.pvcresizer.common.events.FilesystemExpanded;
import io.pvcresizer.common.events.FilesystemExpansionFailed;
import io.pvcresizer.common.events.VolumeExpanded;
import io.pvcresizer.common.events.VolumeExpansionFailed;
import io.pvcresizer.common.failure.Reason;
import io.pvcresizer.common.failure.ResizeException;
import io.pvcresizer.common.kafka.UntrustedRecordException;
import io.pvcresizer.common.quantity.StorageQuantities;
import io.pvcresizer.watcher.detection.ClaimFacts;
import io.pvcresizer.watcher.fakes.FakeCluster;
import io.pvcresizer.watcher.fakes.RecordingEvents;
import io.pvcresizer.watcher.fixtures.TestClaims;
import io.pvcresizer.watcher.fixtures.TestPods;
import io.pvcresizer.watcher.fixtures.TestVolumes;
import io.pvcresizer.watcher.metrics.WatcherMetrics;
import io.pvcresizer.watcher.operation.ResizeOperation;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Results applied to the claim they answer, on fakes of the watcher's ports: the PV and the claim end as Kubernetes'
 * resizer and kubelet leave them, with their events; a result of another operation, of a claim that is gone, or
 * received after leadership was lost, writes nothing.
 */
class ResultProjectorTest {

    private static final Instant NOW = Instant.parse("2026-12-04T10:00:00Z");
    private static final long GI = 1L << 30;

    private final FakeCluster cluster = new FakeCluster();
    private final RecordingEvents events = new RecordingEvents();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<String> reconciled = new ArrayList<>();
    private final AtomicBoolean leading = new AtomicBoolean(true);
    private final ResultProjector projector = new ResultProjector(cluster, events, cluster, new WatcherMetrics(registry),
            "pvc-resizer", reconciled::add, Clock.fixed(NOW, ZoneOffset.UTC), leading::get);

    /** A claim of 5Gi whose backend step to 10Gi is in flight, and its PV of 5Gi. */
    private PersistentVolumeClaim growing() {
        PersistentVolumeClaim pvc = TestClaims.bound("data").requesting("10Gi").withCapacity("5Gi")
                .allocated("10Gi", CONTROLLER_RESIZE_IN_PROGRESS)
                .withCondition(RESIZING, "", "", NOW.minusSeconds(3)).build();
        cluster.with(pvc, TestVolumes.boundTo(pvc, "5Gi", "xfs"));
        return pvc;
    }

    /** A claim whose volume is grown to 10Gi and whose node step is pending, its PV and a pod on node-a. */
    private PersistentVolumeClaim waitingForNode() {
        PersistentVolumeClaim pvc = TestClaims.bound("data").requesting("10Gi").withCapacity("5Gi")
                .allocated("10Gi", NODE_RESIZE_PENDING).build();
        PersistentVolume pv = TestVolumes.boundTo(pvc, "10Gi", "xfs");
        pv.getMetadata().setAnnotations(new java.util.HashMap<>(java.util.Map.of(ANNOTATION_PRE_RESIZE_CAPACITY, "5Gi")));
        cluster.with(pvc, pv, TestPods.using("app", "data", "node-a", "Running"),
                TestPods.using("elsewhere", "data", "node-b", "Running"));
        return pvc;
    }

    private static EventHeader header(PersistentVolumeClaim pvc, long targetBytes) {
        return EventHeader.next(ResizeOperation.idOf(pvc, targetBytes), ResizeOperation.volumeRef(pvc));
    }

    @Test
    void shouldGrowThePvAndLeaveTheClaimWaitingForItsNodeStep() {
        PersistentVolumeClaim pvc = growing();

        projector.project(new VolumeExpanded(header(pvc, 10 * GI), 10 * GI, 10 * GI, true));

        PersistentVolume pv = cluster.volume("pv-data");
        assertThat(pv.getSpec().getCapacity()).containsEntry("storage", new Quantity("10Gi"));
        assertThat(pv.getMetadata().getAnnotations()).containsEntry(ANNOTATION_PRE_RESIZE_CAPACITY, "5Gi");
        ClaimFacts claim = ClaimFacts.of(cluster.claim("apps", "data"));
        assertThat(claim.resizeStatus()).isEqualTo(NODE_RESIZE_PENDING);
        assertThat(claim.capacityBytes()).as("the filesystem is not grown yet").isEqualTo(5 * GI);
        assertThat(conditionTypes()).containsExactly("FileSystemResizePending");
        assertThat(events.all()).containsExactly("Normal PersistentVolumeClaim apps/data FileSystemResizeRequired"
                + " Require file system resize of volume on node");
        assertThat(reconciled).containsExactly("apps/data");
        assertThat(results("VolumeExpanded", "applied")).isEqualTo(1);
    }

    @Test
    void shouldFinishTheResizeWhenTheVolumeNeedsNoNodeStep() {
        PersistentVolumeClaim pvc = growing();

        projector.project(new VolumeExpanded(header(pvc, 10 * GI), 10 * GI, 10 * GI, false));

        PersistentVolumeClaim after = cluster.claim("apps", "data");
        assertThat(ClaimFacts.of(after).capacityBytes()).isEqualTo(10 * GI);
        assertThat(ClaimFacts.of(after).resizeStatus()).isNull();
        assertThat(conditionTypes()).isEmpty();
        assertThat(cluster.volume("pv-data").getMetadata().getAnnotations()).doesNotContainKey(ANNOTATION_PRE_RESIZE_CAPACITY);
        assertThat(events.all()).containsExactly("Normal PersistentVolumeClaim apps/data VolumeResizeSuccessful"
                + " resize volume \"pv-data\" by resizer \"pvc-resizer\" finished successfully");
    }

    @Test
    void shouldLeaveAResultOfAnotherOperationAlone() {
        PersistentVolumeClaim pvc = growing();

        projector.project(new VolumeExpanded(header(pvc, 8 * GI), 8 * GI, 8 * GI, true));
        projector.project(new FilesystemExpanded(header(pvc, 10 * GI), "node-a", 10 * GI, 10 * GI, "xfs", true));

        assertThat(cluster.writes()).isEmpty();
        assertThat(events.all()).isEmpty();
        assertThat(results("VolumeExpanded", "stale")).isEqualTo(1);
        assertThat(results("FilesystemExpanded", "stale")).as("a node result answers only the node step").isEqualTo(1);
    }

    @Test
    void shouldShowAnInfeasibleBackendFailureAsControllerResizeErrorAndAWarning() {
        PersistentVolumeClaim pvc = growing();

        projector.project(new VolumeExpansionFailed(header(pvc, 10 * GI), 10 * GI, FailureKind.INFEASIBLE,
                Reason.VOLUME_NOT_FOUND.code(), "rbd: error opening image data: (2) No such file or directory"));

        PersistentVolumeClaim after = cluster.claim("apps", "data");
        assertThat(ClaimFacts.of(after).resizeStatus()).isEqualTo("ControllerResizeInfeasible");
        PersistentVolumeClaimCondition error = ClaimFacts.of(after).condition("ControllerResizeError").orElseThrow();
        assertThat(error.getReason()).isEqualTo(Reason.VOLUME_NOT_FOUND.code());
        assertThat(error.getMessage()).isEqualTo("resize volume \"pv-data\" by resizer \"pvc-resizer\" failed:"
                + " rbd: error opening image data: (2) No such file or directory");
        assertThat(events.reasons()).containsExactly("VolumeResizeFailed");
        assertThat(cluster.volume("pv-data").getSpec().getCapacity()).containsEntry("storage", new Quantity("5Gi"));
    }

    @Test
    void shouldFinishAtThePvCapacityWhenTheNodeGrewTheFilesystem() {
        PersistentVolumeClaim pvc = waitingForNode();

        projector.project(new FilesystemExpanded(header(pvc, 10 * GI), "node-a", 10 * GI, 10 * GI - 4096, "xfs", true));

        PersistentVolumeClaim after = cluster.claim("apps", "data");
        assertThat(after.getStatus().getCapacity()).containsEntry("storage", StorageQuantities.quantity(10 * GI));
        assertThat(ClaimFacts.of(after).resizeStatus()).isNull();
        assertThat(conditionTypes()).isEmpty();
        assertThat(cluster.volume("pv-data").getMetadata().getAnnotations()).doesNotContainKey(ANNOTATION_PRE_RESIZE_CAPACITY);
        String message = "MountVolume.NodeExpandVolume succeeded for volume \"pv-data\" node-a";
        assertThat(events.all()).containsExactly(
                "Normal PersistentVolumeClaim apps/data FileSystemResizeSuccessful " + message,
                "Normal Pod apps/app FileSystemResizeSuccessful " + message);
    }

    @Test
    void shouldShowANodeFailureAsNodeResizeErrorAndAWarning() {
        PersistentVolumeClaim pvc = waitingForNode();

        projector.project(new FilesystemExpansionFailed(header(pvc, 10 * GI), "node-a", 10 * GI, FailureKind.FINAL,
                Reason.FILESYSTEM_GROW_FAILED.code(), "xfs_growfs: /dev/loop3 is not a mounted XFS filesystem"));

        PersistentVolumeClaimCondition error = ClaimFacts.of(cluster.claim("apps", "data")).condition("NodeResizeError")
                .orElseThrow();
        assertThat(error.getReason()).isEqualTo(Reason.FILESYSTEM_GROW_FAILED.code());
        assertThat(error.getMessage()).contains("on node node-a: xfs_growfs: /dev/loop3 is not a mounted XFS filesystem");
        assertThat(events.reasons()).containsExactly("FileSystemResizeFailed");
    }

    @Test
    void shouldWriteNothingForAClaimThatIsGoneOrWasCreatedAgain() {
        PersistentVolumeClaim pvc = growing();
        PersistentVolumeClaim before = TestClaims.bound("data").withUid("uid-of-the-claim-before").build();

        projector.project(new VolumeExpanded(header(before, 10 * GI), 10 * GI, 10 * GI, true));

        assertThat(cluster.writes()).isEmpty();
        assertThat(results("VolumeExpanded", "claim_gone")).isEqualTo(1);
        assertThat(pvc.getMetadata().getUid()).isNotEqualTo(before.getMetadata().getUid());
    }

    @Test
    void shouldRefuseAResultNamingAnotherPvThanTheClaimIsBoundTo() {
        PersistentVolumeClaim pvc = growing();
        pvc.getSpec().setVolumeName("pv-of-somebody-else");

        assertThatThrownBy(() -> projector.project(new VolumeExpanded(header(pvc, 10 * GI), 10 * GI, 10 * GI, true)))
                .isInstanceOf(UntrustedRecordException.class)
                .hasMessageContaining("names PV pv-of-somebody-else, but the claim is bound to pv-data");
        assertThat(cluster.writes()).isEmpty();
    }

    @Test
    void shouldLeaveTheResultToTheNewLeaderOnceThisReplicaNoLongerLeads() {
        PersistentVolumeClaim pvc = growing();
        leading.set(false);

        assertThatThrownBy(() -> projector.project(new VolumeExpanded(header(pvc, 10 * GI), 10 * GI, 10 * GI, true)))
                .isInstanceOfSatisfying(ResizeException.class, e -> assertThat(e.kind()).isEqualTo(FailureKind.TRANSIENT));
        assertThat(cluster.writes()).isEmpty();
    }

    private List<String> conditionTypes() {
        List<PersistentVolumeClaimCondition> conditions = cluster.claim("apps", "data").getStatus().getConditions();
        return conditions == null ? List.of() : conditions.stream().map(PersistentVolumeClaimCondition::getType).toList();
    }

    private double results(String type, String outcome) {
        var counter = registry.find("pvc.resizer.watcher.results").tag("type", type).tag("outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }
}
