package io.pvcresizer.fs.listener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pvcresizer.common.events.EventHeader;
import io.pvcresizer.common.events.FailureKind;
import io.pvcresizer.common.events.FilesystemExpansionRequested;
import io.pvcresizer.common.events.ResizeEvent;
import io.pvcresizer.common.events.VolumeExpanded;
import io.pvcresizer.common.events.VolumeRef;
import io.pvcresizer.common.failure.Reason;
import io.pvcresizer.common.failure.ResizeException;
import io.pvcresizer.common.testing.FakeCommandRunner;
import io.pvcresizer.common.topics.Topics;
import io.pvcresizer.fs.command.NodeCommands;
import io.pvcresizer.fs.device.BlockDevices;
import io.pvcresizer.fs.device.LoopDevices;
import io.pvcresizer.fs.expansion.FilesystemExpansion;
import io.pvcresizer.fs.expansion.VolumeLocks;
import io.pvcresizer.fs.grow.FilesystemGrower;
import io.pvcresizer.fs.grow.GrowthResult;
import io.pvcresizer.fs.metrics.ExpansionMetrics;
import io.pvcresizer.fs.mount.KubeletVolumeLocator;
import io.pvcresizer.fs.mount.LocatedVolume;
import io.pvcresizer.fs.mount.MountInfoParser;
import io.pvcresizer.fs.mount.VolumeLocator;
import io.pvcresizer.fs.routing.OwnNodeFilter;
import io.pvcresizer.fs.testing.TestRequests;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** Routes node requests to the expansion and its outcome to the publisher or the error handler, with fakes throughout. */
class NodeRequestListenerTest {

    private static final String UID = "6f1c2a7e-0d5b-4a51-9a3e-3b8f7f0e9c11";
    private static final String POD_MOUNT = "/var/lib/kubelet/pods/" + UID + "/volumes/kubernetes.io~csi/pv-a/mount";

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final RecordingNodeResultPublisher publisher = new RecordingNodeResultPublisher();

    @Test
    void shouldPublishFilesystemExpandedWithTheMeasuredSize() {
        NodeRequestListener listener = listener((volume, target) -> new GrowthResult(volume, 603979776L, true));
        FilesystemExpansionRequested request = TestRequests.forNode("node-a").pv("pv-a").podUid(UID).build();

        listener.onNodeRequest(record("node-a", request));

        assertThat(publisher.expanded).singleElement().satisfies(e -> {
            assertThat(e.request()).isEqualTo(request);
            assertThat(e.result().filesystemBytes()).isEqualTo(603979776L);
            assertThat(e.result().online()).isTrue();
        });
        assertThat(registry.get("pvc.resizer.filesystem.expansions").tags("fs_type", "xfs", "outcome", "expanded").counter().count())
                .isEqualTo(1.0);
    }

    @Test
    void shouldSkipRequestsKeyedForAnotherNode() {
        NodeRequestListener listener = listener(this::unexpectedGrowth);

        listener.onNodeRequest(record("node-b", TestRequests.forNode("node-b").pv("pv-a").build()));

        assertThat(publisher.expanded).isEmpty();
        assertThat(publisher.failed).isEmpty();
        assertThat(registry.get("pvc.resizer.node.requests.skipped").counter().count()).isEqualTo(1.0);
    }

    @Test
    void shouldSkipARequestWhoseNodeNameDisagreesWithItsKey() {
        NodeRequestListener listener = listener(this::unexpectedGrowth);

        listener.onNodeRequest(record("node-a", TestRequests.forNode("node-b").pv("pv-a").build()));

        assertThat(registry.get("pvc.resizer.node.requests.skipped").counter().count()).isEqualTo(1.0);
    }

    @Test
    void shouldPublishAnInfeasibleFailureAndFinishTheRecord() {
        NodeRequestListener listener = listener((volume, target) -> {
            throw new ResizeException(Reason.ONLINE_RESIZE_NOT_PERMITTED, "needs CAP_SYS_RESOURCE");
        });

        listener.onNodeRequest(record("node-a", TestRequests.forNode("node-a").pv("pv-a").podUid(UID).build()));

        assertThat(publisher.failed).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(FailureKind.INFEASIBLE);
            assertThat(f.reason()).isEqualTo("OnlineResizeNotPermitted");
            assertThat(f.message()).isEqualTo("needs CAP_SYS_RESOURCE");
        });
    }

    @Test
    void shouldRethrowATransientFailureForTheErrorHandlerToRetry() {
        NodeRequestListener listener = listener((volume, target) -> {
            throw new ResizeException(Reason.DEVICE_NOT_GROWN, "device smaller than target", null);
        });

        assertThatThrownBy(() -> listener.onNodeRequest(record("node-a", TestRequests.forNode("node-a").pv("pv-a").podUid(UID).build())))
                .isInstanceOfSatisfying(ResizeException.class, e -> assertThat(e.reason()).isEqualTo("DeviceNotGrown"));
        assertThat(publisher.failed).isEmpty();
        assertThat(publisher.expanded).isEmpty();
    }

    @Test
    void shouldRefuseAnEventThatIsNotANodeRequest() {
        VolumeExpanded wrong = new VolumeExpanded(EventHeader.next("op-1", new VolumeRef("shop", "data-0", "u", "pv-a")),
                1L, 1L, true);

        assertThatThrownBy(() -> listener(this::unexpectedGrowth).onNodeRequest(record("node-a", wrong)))
                .isInstanceOf(io.pvcresizer.common.kafka.UnexpectedRecordException.class)
                .hasMessageContaining("VolumeExpanded");
    }

    private GrowthResult unexpectedGrowth(LocatedVolume volume, long target) {
        throw new AssertionError("nothing should grow");
    }

    private static ConsumerRecord<String, ResizeEvent> record(String key, ResizeEvent value) {
        return new ConsumerRecord<>(Topics.NODE_REQUESTS_NAME, 0, 7L, key, value);
    }

    private NodeRequestListener listener(FilesystemGrower grower) {
        NodeCommands commands = new NodeCommands(new FakeCommandRunner(), Duration.ofSeconds(5));
        List<String> mountinfo = List.of("42 27 7:0 / " + POD_MOUNT + " rw,relatime - xfs /dev/loop0 rw,inode64");
        VolumeLocator locator = new KubeletVolumeLocator(() -> MountInfoParser.parseAll(String.join("\n", mountinfo)),
                new LoopDevices(commands), new BlockDevices(commands), Path.of("/var/lib/kubelet"), Path.of("/images"));
        return new NodeRequestListener(new OwnNodeFilter("node-a"), new FilesystemExpansion(new VolumeLocks(), locator, grower),
                publisher, new ExpansionMetrics(registry));
    }
}
