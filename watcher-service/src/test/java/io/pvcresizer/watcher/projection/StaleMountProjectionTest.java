package io.pvcresizer.watcher.projection;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pvcresizer.common.events.EventHeader;
import io.pvcresizer.common.events.StaleMountDetected;
import io.pvcresizer.common.events.VolumeRef;
import io.pvcresizer.watcher.fixtures.TestClaims;
import io.pvcresizer.watcher.fixtures.TestPods;
import io.pvcresizer.watcher.fixtures.TestVolumes;
import io.pvcresizer.watcher.informer.ClusterView;
import io.pvcresizer.watcher.metrics.WatcherMetrics;
import io.pvcresizer.watcher.recording.EventRecorder;
import io.pvcresizer.watcher.status.ClaimWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * A node agent's {@code StaleMountDetected} becomes a Warning {@code VolumeMountStale} on the claim bound to the PV and
 * on the pod whose volume it is, and changes nothing else; a report the watcher cannot place is skipped.
 */
class StaleMountProjectionTest {

    private static final String MESSAGE = "fuse.ceph-fuse mount /var/lib/kubelet/pods/uid-app-data/volumes/"
            + "kubernetes.io~csi/pv-data/mount is stale: its FUSE daemon is gone (Transport endpoint is not connected)."
            + " Not recovered: recovery is off (pvc-resizer.fs.stale-mounts.recover).";

    private final FakeView view = new FakeView();
    private final List<String> events = new ArrayList<>();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ResultProjector projector = new ResultProjector(new NoWrites(), new RecordingEvents(), view,
            new WatcherMetrics(registry), "pvc-resizer", key -> {
            }, Clock.systemUTC(), () -> true);

    @Test
    void shouldWarnOnTheBoundClaimAndOnThePodWhoseVolumeWentStale() {
        PersistentVolumeClaim pvc = TestClaims.bound("data").build();
        view.add(pvc, TestVolumes.boundTo(pvc, "1Gi", "xfs"));
        view.pods.add(TestPods.using("app-data", "data", "node-a", "Running"));
        view.pods.add(TestPods.using("other", "data", "node-b", "Running"));

        projector.project(stale("pv-data", "uid-app-data"));

        String expected = "Node node-a: " + MESSAGE;
        assertThat(events).containsExactly(
                "Warning PersistentVolumeClaim apps/data VolumeMountStale " + expected,
                "Warning Pod apps/app-data VolumeMountStale " + expected);
        assertThat(count("applied")).isEqualTo(1);
    }

    @Test
    void shouldWarnOnlyOnTheClaimWhenThePodIsNotAmongItsUsers() {
        PersistentVolumeClaim pvc = TestClaims.bound("data").build();
        view.add(pvc, TestVolumes.boundTo(pvc, "1Gi", "xfs"));

        projector.project(stale("pv-data", "uid-gone"));

        assertThat(events).singleElement().asString().startsWith("Warning PersistentVolumeClaim apps/data VolumeMountStale");
    }

    @Test
    void shouldSkipAReportOfAnUnknownPvOrOfNoPv() {
        projector.project(stale("pv-nobody-knows", "uid-1"));
        projector.project(stale("", ""));

        assertThat(events).isEmpty();
        assertThat(count("unresolved")).isEqualTo(2);
    }

    @Test
    void shouldSkipAReportOfAPvWhoseClaimWasReplaced() {
        PersistentVolumeClaim pvc = TestClaims.bound("data").build();
        PersistentVolume pv = TestVolumes.boundTo(pvc, "1Gi", "xfs");
        view.add(TestClaims.bound("data").withUid("uid-of-a-new-claim").build(), pv);

        projector.project(stale("pv-data", ""));

        assertThat(events).isEmpty();
        assertThat(count("unresolved")).isEqualTo(1);
    }

    private double count(String outcome) {
        return registry.get("pvc_resizer_watcher_results_total").tag("type", "StaleMountDetected")
                .tag("outcome", outcome).counter().count();
    }

    private static StaleMountDetected stale(String pvName, String podUid) {
        return new StaleMountDetected(new EventHeader(EventHeader.CURRENT_SCHEMA_VERSION, UUID.randomUUID(), "",
                Instant.now(), new VolumeRef("", "", null, pvName)), "node-a",
                "/var/lib/kubelet/pods/" + podUid + "/volumes/kubernetes.io~csi/" + pvName + "/mount", "fuse.ceph-fuse",
                podUid, false, MESSAGE);
    }

    private final class RecordingEvents implements EventRecorder {
        @Override
        public void normal(HasMetadata involved, String reason, String message) {
            events.add("Normal " + describe(involved) + " " + reason + " " + message);
        }

        @Override
        public void warning(HasMetadata involved, String reason, String message) {
            events.add("Warning " + describe(involved) + " " + reason + " " + message);
        }

        private String describe(HasMetadata involved) {
            return involved.getKind() + " " + involved.getMetadata().getNamespace() + "/" + involved.getMetadata().getName();
        }
    }

    /** The projection of a stale mount reads from the cache and writes nothing. */
    private static final class NoWrites implements ClaimWriter {
        @Override
        public Optional<PersistentVolumeClaim> readClaim(String namespace, String name) {
            throw new AssertionError("no claim read expected");
        }

        @Override
        public Optional<PersistentVolume> readVolume(String name) {
            throw new AssertionError("no volume read expected");
        }

        @Override
        public Optional<PersistentVolumeClaim> updateClaimStatus(String namespace, String name, String uid,
                UnaryOperator<PersistentVolumeClaimStatus> change) {
            throw new AssertionError("no status change expected");
        }

        @Override
        public void updateVolume(String name, UnaryOperator<PersistentVolume> change) {
            throw new AssertionError("no volume change expected");
        }
    }

    private static final class FakeView implements ClusterView {
        private final Map<String, PersistentVolumeClaim> claims = new HashMap<>();
        private final Map<String, PersistentVolume> volumes = new HashMap<>();
        private final List<Pod> pods = new ArrayList<>();

        void add(PersistentVolumeClaim pvc, PersistentVolume pv) {
            claims.put(pvc.getMetadata().getNamespace() + "/" + pvc.getMetadata().getName(), pvc);
            volumes.put(pv.getMetadata().getName(), pv);
        }

        @Override
        public PersistentVolumeClaim claim(String namespace, String name) {
            return claims.get(namespace + "/" + name);
        }

        @Override
        public PersistentVolume volume(String name) {
            return volumes.get(name);
        }

        @Override
        public StorageClass storageClass(String name) {
            return null;
        }

        @Override
        public List<Pod> podsUsing(String namespace, String claimName) {
            return pods.stream().filter(pod -> namespace.equals(pod.getMetadata().getNamespace()))
                    .filter(pod -> pod.getSpec().getVolumes().stream().anyMatch(v -> v.getPersistentVolumeClaim() != null
                            && claimName.equals(v.getPersistentVolumeClaim().getClaimName())))
                    .toList();
        }

        @Override
        public List<String> claimKeys() {
            return List.copyOf(claims.keySet());
        }
    }
}
