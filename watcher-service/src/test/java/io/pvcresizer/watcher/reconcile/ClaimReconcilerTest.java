package io.pvcresizer.watcher.reconcile;

import static io.pvcresizer.common.kubernetes.ResizeConditions.CONTROLLER_RESIZE_IN_PROGRESS;
import static io.pvcresizer.common.kubernetes.ResizeConditions.NODE_RESIZE_IN_PROGRESS;
import static io.pvcresizer.common.kubernetes.ResizeConditions.NODE_RESIZE_PENDING;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimCondition;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pvcresizer.common.events.FilesystemExpansionRequested;
import io.pvcresizer.common.events.VolumeExpansionRequested;
import io.pvcresizer.watcher.detection.ClaimFacts;
import io.pvcresizer.watcher.detection.ResizeDecider;
import io.pvcresizer.watcher.fakes.FakeCluster;
import io.pvcresizer.watcher.fakes.RecordingEvents;
import io.pvcresizer.watcher.fakes.RecordingPublisher;
import io.pvcresizer.watcher.fixtures.TestClaims;
import io.pvcresizer.watcher.fixtures.TestPods;
import io.pvcresizer.watcher.fixtures.TestVolumes;
import io.pvcresizer.watcher.metrics.WatcherMetrics;
import io.pvcresizer.watcher.operation.ResizeOperation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The watcher's controller half on fakes of its ports: a raised request becomes a marked claim, a Resizing event and
 * one volume request; a claim in its node step with a pod gets its node request; a refusal is a condition and one
 * Warning; a follower, or a claim of a driver pvc-resizer does not serve, is never written.
 */
class ClaimReconcilerTest {

    private static final long GI = 1L << 30;

    private final FakeCluster cluster = new FakeCluster();
    private final RecordingEvents events = new RecordingEvents();
    private final RecordingPublisher publisher = new RecordingPublisher();
    private final AtomicBoolean leading = new AtomicBoolean(true);
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-04T10:00:00Z"));
    private final Clock clock = new Clock() {
        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };
    private final ClaimReconciler reconciler = new ClaimReconciler(cluster,
            new ResizeDecider(Set.of(TestVolumes.DRIVER), Duration.ofMinutes(5), Duration.ofMinutes(2)), cluster, events,
            publisher, leading::get, new WatcherMetrics(new SimpleMeterRegistry()), "pvc-resizer", clock)
            .withNodeAgentTimeout(Duration.ofMinutes(5));

    private PersistentVolumeClaim raisedTo(String size, boolean classAllowsExpansion) {
        PersistentVolumeClaim pvc = TestClaims.bound("data").requesting(size).withCapacity("5Gi").build();
        cluster.with(pvc, TestVolumes.boundTo(pvc, "5Gi", "xfs"),
                TestVolumes.storageClass(TestClaims.CLASS, classAllowsExpansion));
        return pvc;
    }

    @Test
    void shouldMarkTheClaimAndPublishOneVolumeRequestWhenItsRequestIsRaised() {
        PersistentVolumeClaim pvc = raisedTo("10Gi", true);

        reconciler.reconcile("apps/data");

        ClaimFacts claim = ClaimFacts.of(cluster.claim("apps", "data"));
        assertThat(claim.allocatedBytes()).isEqualTo(10 * GI);
        assertThat(claim.resizeStatus()).isEqualTo(CONTROLLER_RESIZE_IN_PROGRESS);
        assertThat(conditionTypes()).containsExactly("Resizing");
        assertThat(events.all()).containsExactly("Normal PersistentVolumeClaim apps/data Resizing External resizer"
                + " pvc-resizer is resizing volume pv-data to 10Gi");
        VolumeExpansionRequested request = publisher.volumeRequests().get(0);
        assertThat(publisher.volumeRequests()).hasSize(1);
        assertThat(request.operationId()).isEqualTo(ResizeOperation.idOf(pvc, 10 * GI));
        assertThat(request.driver()).isEqualTo(TestVolumes.DRIVER);
        assertThat(request.volumeHandle()).isEqualTo("pv-data.img");
        assertThat(request.currentBytes()).isEqualTo(5 * GI);
        assertThat(request.targetBytes()).isEqualTo(10 * GI);
        assertThat(request.volume().pvcUid()).isEqualTo("uid-data");
    }

    @Test
    void shouldNotPublishAgainWhileTheBackendStepIsInFlight() {
        raisedTo("10Gi", true);

        reconciler.reconcile("apps/data");
        reconciler.reconcile("apps/data");

        assertThat(publisher.volumeRequests()).hasSize(1);
        assertThat(events.reasons()).containsExactly("Resizing");
    }

    @Test
    void shouldRefuseAClassWithoutExpansionWithAConditionAndOneWarningAndPublishNothing() {
        raisedTo("10Gi", false);

        reconciler.reconcile("apps/data");
        reconciler.reconcile("apps/data");

        PersistentVolumeClaimCondition error = ClaimFacts.of(cluster.claim("apps", "data"))
                .condition("ControllerResizeError").orElseThrow();
        assertThat(error.getReason()).isEqualTo("ExpansionNotAllowed");
        assertThat(error.getMessage()).contains("storage class fast does not set allowVolumeExpansion: true");
        assertThat(events.reasons()).as("said once").containsExactly("VolumeResizeFailed");
        assertThat(publisher.volumeRequests()).isEmpty();
    }

    @Test
    void shouldRequestTheNodeStepOnTheNodeOfThePodThatUsesTheClaim() {
        PersistentVolumeClaim pvc = TestClaims.bound("data").requesting("10Gi").withCapacity("5Gi")
                .allocated("10Gi", NODE_RESIZE_PENDING).build();
        cluster.with(pvc, TestVolumes.boundTo(pvc, "10Gi", "xfs"), TestVolumes.storageClass(TestClaims.CLASS, true),
                TestPods.using("app", "data", "node-a", "Running"));

        reconciler.reconcile("apps/data");

        FilesystemExpansionRequested request = publisher.nodeRequests().get(0);
        assertThat(request.nodeName()).isEqualTo("node-a");
        assertThat(request.podUid()).isEqualTo("uid-app");
        assertThat(request.targetBytes()).isEqualTo(10 * GI);
        assertThat(request.fsType()).isEqualTo("xfs");
        assertThat(request.operationId()).as("the same operation as the backend step").isEqualTo(ResizeOperation.idOf(pvc, 10 * GI));
        assertThat(ClaimFacts.of(cluster.claim("apps", "data")).resizeStatus()).isEqualTo(NODE_RESIZE_IN_PROGRESS);
        assertThat(publisher.volumeRequests()).isEmpty();
    }

    @Test
    void shouldSayOnceThatTheNodeAgentDoesNotAnswerAfterTheTimeout() {
        PersistentVolumeClaim pvc = TestClaims.bound("data").requesting("10Gi").withCapacity("5Gi")
                .allocated("10Gi", NODE_RESIZE_PENDING).build();
        cluster.with(pvc, TestVolumes.boundTo(pvc, "10Gi", "xfs"), TestVolumes.storageClass(TestClaims.CLASS, true),
                TestPods.using("app", "data", "node-ghost", "Running"));

        reconciler.reconcile("apps/data");
        for (int minute = 1; minute <= 8; minute++) {
            now.set(now.get().plus(Duration.ofMinutes(1)));
            reconciler.reconcile("apps/data");
        }

        PersistentVolumeClaimCondition error = ClaimFacts.of(cluster.claim("apps", "data")).condition("NodeResizeError")
                .orElseThrow();
        assertThat(error.getReason()).isEqualTo("NodeAgentNotAnswering");
        assertThat(error.getMessage()).contains("on node node-ghost", "is the fs-service DaemonSet running on that node?");
        assertThat(events.reasons()).containsExactly("FileSystemResizeFailed");
        assertThat(publisher.nodeRequests()).as("it keeps asking").hasSizeGreaterThan(1);
    }

    @Test
    void shouldWriteNothingAsAFollower() {
        raisedTo("10Gi", true);
        leading.set(false);

        reconciler.reconcile("apps/data");

        assertThat(cluster.writes()).isEmpty();
        assertThat(publisher.volumeRequests()).isEmpty();
        assertThat(events.all()).isEmpty();
    }

    @Test
    void shouldNeverTouchAClaimOfADriverItDoesNotServe() {
        PersistentVolumeClaim pvc = TestClaims.bound("data").requesting("10Gi").withCapacity("5Gi").build();
        var pv = TestVolumes.boundTo(pvc, "5Gi", "xfs");
        pv.getSpec().getCsi().setDriver("ebs.csi.aws.com");
        cluster.with(pvc, pv, TestVolumes.storageClass(TestClaims.CLASS, true));

        reconciler.reconcile("apps/data");

        assertThat(cluster.writes()).isEmpty();
        assertThat(events.all()).isEmpty();
        assertThat(publisher.volumeRequests()).isEmpty();
    }

    private List<String> conditionTypes() {
        List<PersistentVolumeClaimCondition> conditions = cluster.claim("apps", "data").getStatus().getConditions();
        return conditions == null ? List.of() : conditions.stream().map(PersistentVolumeClaimCondition::getType).toList();
    }
}
