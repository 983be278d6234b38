package io.pvcresizer.fs.expansion;

import io.pvcresizer.common.testing.ConfigurationBinding;
import io.pvcresizer.fs.config.FsProperties;
import io.pvcresizer.fs.csi.CsiNodePlugins;
import java.util.Map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pvcresizer.common.events.FailureKind;
import io.pvcresizer.common.events.FilesystemExpansionRequested;
import io.pvcresizer.common.failure.Reason;
import io.pvcresizer.common.failure.ResizeException;
import io.pvcresizer.common.testing.FakeCommandRunner;
import io.pvcresizer.fs.command.NodeCommands;
import io.pvcresizer.fs.device.BlockDevices;
import io.pvcresizer.fs.device.LoopDevices;
import io.pvcresizer.fs.grow.FilesystemGrower;
import io.pvcresizer.fs.grow.GrowthResult;
import io.pvcresizer.fs.mount.KubeletVolumeLocator;
import io.pvcresizer.fs.mount.LocatedVolume;
import io.pvcresizer.fs.mount.MountInfoParser;
import io.pvcresizer.fs.mount.VolumeLocator;
import io.pvcresizer.fs.testing.TestRequests;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Locates and grows one request's volume under its lock, with a fake mount table and a fake grower. */
class FilesystemExpansionTest {

    private static final String UID = "6f1c2a7e-0d5b-4a51-9a3e-3b8f7f0e9c11";
    private static final String POD_MOUNT = "/var/lib/kubelet/pods/" + UID + "/volumes/kubernetes.io~csi/pv-a/mount";

    private final List<String> mountinfo = new ArrayList<>();
    private final List<LocatedVolume> grown = new ArrayList<>();

    @Test
    void shouldGrowTheVolumeFoundAtThePodMount() {
        mountinfo.add("42 27 7:0 / " + POD_MOUNT + " rw,relatime - xfs /dev/loop0 rw,inode64");
        FilesystemExpansion expansion = expansion(this::recordingGrower);

        GrowthResult result = expansion.expand(TestRequests.forNode("node-a").pv("pv-a").podUid(UID).build());

        assertThat(grown).singleElement().satisfies(volume -> {
            assertThat(volume.device()).isEqualTo("/dev/loop0");
            assertThat(volume.mountPoint()).isEqualTo(Path.of(POD_MOUNT));
        });
        assertThat(result.changed()).isTrue();
    }

    @Test
    void shouldGrowABlockModeVolumeWithoutLookingForIt() {
        FilesystemExpansion expansion = expansion(this::recordingGrower);

        expansion.expand(TestRequests.forNode("node-a").pv("pv-a").block().build());

        assertThat(grown).singleElement().isEqualTo(LocatedVolume.block());
    }

    @Test
    void shouldRetryAVolumeThatIsNotOnThisNodeYet() {
        FilesystemExpansion expansion = expansion(this::recordingGrower);

        assertThatThrownBy(() -> expansion.expand(TestRequests.forNode("node-a").pv("pv-a").podUid(UID).build()))
                .isInstanceOfSatisfying(ResizeException.class, e -> {
                    assertThat(e.kind()).isEqualTo(FailureKind.TRANSIENT);
                    assertThat(e.reason()).isEqualTo("VolumeNotOnNode");
                    assertThat(e.getMessage()).contains("pv-a", UID);
                });
        assertThat(grown).isEmpty();
    }

    @Test
    void shouldNotWaitForTheMountOfAPodKubeletDoesNotKnowHere(@TempDir Path root) throws Exception {
        java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
        FilesystemExpansion expansion = expansionWaiting(root, reads);

        assertThatThrownBy(() -> expansion.expand(TestRequests.forNode("node-a").pv("pv-a").podUid(UID).build()))
                .isInstanceOfSatisfying(ResizeException.class, e -> {
                    assertThat(e.kind()).isEqualTo(FailureKind.TRANSIENT);
                    assertThat(e.reason()).isEqualTo("VolumeNotOnNode");
                    assertThat(e.getMessage()).contains("kubelet has no directory for that pod here");
                });
        assertThat(reads).as("one look at the mount table, no wait of a minute").hasValue(1);
    }

    @Test
    void shouldWaitForTheMountOfAPodKubeletKnowsHere(@TempDir Path root) throws Exception {
        java.nio.file.Files.createDirectories(root.resolve("kubelet/pods").resolve(UID));
        java.util.concurrent.atomic.AtomicInteger reads = new java.util.concurrent.atomic.AtomicInteger();
        FilesystemExpansion expansion = expansionWaiting(root, reads);
        String mount = root.resolve("kubelet/pods").resolve(UID) + "/volumes/kubernetes.io~csi/pv-a/mount";
        // Kubelet mounts the volume while the request waits: on the third look.
        mountOnRead = 3;
        mountLine = "42 27 7:0 / " + mount + " rw,relatime - xfs /dev/loop0 rw,inode64";

        expansion.expand(TestRequests.forNode("node-a").pv("pv-a").podUid(UID).build());

        assertThat(grown).singleElement().satisfies(v -> assertThat(v.mountPoint()).isEqualTo(Path.of(mount)));
        assertThat(reads).hasValue(3);
    }

    private int mountOnRead = Integer.MAX_VALUE;
    private String mountLine;

    private FilesystemExpansion expansionWaiting(Path root, java.util.concurrent.atomic.AtomicInteger reads) {
        NodeCommands commands = new NodeCommands(new FakeCommandRunner(), Duration.ofSeconds(5));
        VolumeLocator locator = new KubeletVolumeLocator(() -> {
            int read = reads.incrementAndGet();
            return MountInfoParser.parseAll(read >= mountOnRead ? mountLine : "");
        }, new LoopDevices(commands), new BlockDevices(commands), root.resolve("kubelet"), root.resolve("images"));
        return new FilesystemExpansion(new VolumeLocks(), locator, this::recordingGrower, Duration.ofMinutes(1),
                Duration.ofMillis(10));
    }

    @Test
    void shouldRefuseATargetThatIsNotPositive() {
        assertThatThrownBy(() -> expansion(this::recordingGrower).expand(TestRequests.forNode("node-a").target(0).build()))
                .isInstanceOfSatisfying(ResizeException.class, e -> assertThat(e.kind()).isEqualTo(FailureKind.INFEASIBLE));
    }

    @Test
    void shouldRefuseATargetAboveTheMaximumWithoutLookingForTheVolume() {
        assertThatThrownBy(() -> expansion(this::recordingGrower).expand(TestRequests.forNode("node-a").target(1L << 62).build()))
                .isInstanceOfSatisfying(ResizeException.class, e -> {
                    assertThat(e.kind()).isEqualTo(FailureKind.INFEASIBLE);
                    assertThat(e.reason()).isEqualTo(Reason.TARGET_TOO_LARGE.code());
                    assertThat(e.getMessage()).contains("pvc-resizer.fs.max-target");
                });
    }

    @Test
    void shouldFindTheVolumeBusyWhileAnotherOperationGrowsIt() {
        mountinfo.add("42 27 7:0 / " + POD_MOUNT + " rw,relatime - xfs /dev/loop0 rw,inode64");
        FilesystemExpansionRequested request = TestRequests.forNode("node-a").pv("pv-a").podUid(UID).build();
        AtomicReference<FilesystemExpansion> self = new AtomicReference<>();
        AtomicReference<Throwable> second = new AtomicReference<>();
        // The grower starts a second operation on the same volume while the first one holds its lock.
        self.set(expansion((volume, target) -> {
            try {
                self.get().expand(request);
            } catch (RuntimeException e) {
                second.set(e);
            }
            return recordingGrower(volume, target);
        }));

        self.get().expand(request);

        assertThat(second.get()).isInstanceOfSatisfying(ResizeException.class, e -> {
            assertThat(e.kind()).isEqualTo(FailureKind.TRANSIENT);
            assertThat(e.reason()).isEqualTo("VolumeBusy");
        });
        assertThat(grown).hasSize(1);
        assertThat(self.get().expand(request).changed()).as("the lock is released afterwards").isTrue();
    }

    private GrowthResult recordingGrower(LocatedVolume volume, long targetBytes) {
        grown.add(volume);
        return new GrowthResult(volume, targetBytes, true);
    }

    private FilesystemExpansion expansion(FilesystemGrower grower) {
        NodeCommands commands = new NodeCommands(new FakeCommandRunner(), Duration.ofSeconds(5));
        VolumeLocator locator = new KubeletVolumeLocator(() -> MountInfoParser.parseAll(String.join("\n", mountinfo)),
                new LoopDevices(commands), new BlockDevices(commands), Path.of("/var/lib/kubelet"), Path.of("/var/lib/pvc-resizer/images"));
        long maxTarget = ConfigurationBinding.bind(FsProperties.class, Map.of("node-name", "node-a")).maxTarget().toBytes();
        return new FilesystemExpansion(new VolumeLocks(), locator, grower, Duration.ZERO, Duration.ofMillis(500),
                CsiNodePlugins.NONE, maxTarget);
    }
}
