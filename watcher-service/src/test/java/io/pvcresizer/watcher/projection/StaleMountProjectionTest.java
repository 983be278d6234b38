package io.pvcresizer.watcher.projection;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pvcresizer.common.events.EventHeader;
import io.pvcresizer.common.events.StaleMountDetected;
import io.pvcresizer.common.events.VolumeRef;
import io.pvcresizer.watcher.fakes.FakeCluster;
import io.pvcresizer.watcher.fakes.RecordingEvents;
import io.pvcresizer.watcher.fixtures.TestClaims;
import io.pvcresizer.watcher.fixtures.TestPods;
import io.pvcresizer.watcher.fixtures.TestVolumes;
import io.pvcresizer.watcher.metrics.WatcherMetrics;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A node agent's {@code StaleMountDetected} becomes a Warning {@code VolumeMountStale} on the claim bound to the PV and
 * on the pod whose volume it is, and changes nothing else; a report the watcher cannot place is skipped.
 */
class StaleMountProjectionTest {

    private static final String MESSAGE = "fuse.ceph-fuse mount /var/lib/kubelet/pods/uid-app-data/volumes/"
            + "kubernetes.io~csi/pv-data/mount is stale: its FUSE daemon is gone (Transport endpoint is not connected)."
            + " Not recovered: recovery is off (pvc-resizer.fs.stale-mounts.recover).";

    private final FakeCluster cluster = new FakeCluster();
    private final RecordingEvents recorded = new RecordingEvents();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ResultProjector projector = new ResultProjector(cluster, recorded, cluster,
            new WatcherMetrics(registry), "pvc-resizer", key -> {
            }, Clock.systemUTC(), () -> true);

    @Test
    void shouldWarnOnTheBoundClaimAndOnThePodWhoseVolumeWentStale() {
        PersistentVolumeClaim pvc = TestClaims.bound("data").build();
        cluster.with(pvc, TestVolumes.boundTo(pvc, "1Gi", "xfs"), TestPods.using("app-data", "data", "node-a", "Running"),
                TestPods.using("other", "data", "node-b", "Running"));

        projector.project(stale("pv-data", "uid-app-data"));

        String expected = "Node node-a: " + MESSAGE;
        assertThat(recorded.all()).containsExactly(
                "Warning PersistentVolumeClaim apps/data VolumeMountStale " + expected,
                "Warning Pod apps/app-data VolumeMountStale " + expected);
        assertThat(count("applied")).isEqualTo(1);
        assertThat(cluster.writes()).as("no status or volume change").isEmpty();
    }

    @Test
    void shouldWarnOnlyOnTheClaimWhenThePodIsNotAmongItsUsers() {
        PersistentVolumeClaim pvc = TestClaims.bound("data").build();
        cluster.with(pvc, TestVolumes.boundTo(pvc, "1Gi", "xfs"));

        projector.project(stale("pv-data", "uid-gone"));

        assertThat(recorded.all()).singleElement().asString().startsWith("Warning PersistentVolumeClaim apps/data VolumeMountStale");
    }

    @Test
    void shouldSkipAReportOfAnUnknownPvOrOfNoPv() {
        projector.project(stale("pv-nobody-knows", "uid-1"));
        projector.project(stale("", ""));

        assertThat(recorded.all()).isEmpty();
        assertThat(count("unresolved")).isEqualTo(2);
    }

    @Test
    void shouldSkipAReportOfAPvWhoseClaimWasReplaced() {
        PersistentVolumeClaim pvc = TestClaims.bound("data").build();
        PersistentVolume pv = TestVolumes.boundTo(pvc, "1Gi", "xfs");
        cluster.with(TestClaims.bound("data").withUid("uid-of-a-new-claim").build(), pv);

        projector.project(stale("pv-data", ""));

        assertThat(recorded.all()).isEmpty();
        assertThat(count("unresolved")).isEqualTo(1);
    }

    private double count(String outcome) {
        return registry.get("pvc.resizer.watcher.results").tag("type", "StaleMountDetected")
                .tag("outcome", outcome).counter().count();
    }

    private static StaleMountDetected stale(String pvName, String podUid) {
        return new StaleMountDetected(new EventHeader(EventHeader.CURRENT_SCHEMA_VERSION, UUID.randomUUID(), "",
                Instant.now(), new VolumeRef("", "", null, pvName)), "node-a",
                "/var/lib/kubelet/pods/" + podUid + "/volumes/kubernetes.io~csi/" + pvName + "/mount", "fuse.ceph-fuse",
                podUid, false, MESSAGE);
    }
}
