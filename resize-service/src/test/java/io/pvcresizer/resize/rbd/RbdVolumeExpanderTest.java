package io.pvcresizer.resize.rbd;

import static io.pvcresizer.resize.ceph.CephFixtures.argv;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.pvcresizer.common.events.FailureKind;
import io.pvcresizer.common.failure.ResizeException;
import io.pvcresizer.common.testing.FakeCommandRunner;
import io.pvcresizer.resize.TestRequests;
import io.pvcresizer.resize.ceph.CephCli.Tool;
import io.pvcresizer.resize.ceph.CephCli;
import io.pvcresizer.resize.ceph.CephFixtures;
import io.pvcresizer.resize.expansion.ExpansionResult;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RbdVolumeExpanderTest {

    private static final long MI = 1024L * 1024;
    private static final Map<String, String> ATTRIBUTES =
            Map.of("clusterID", CephFixtures.CLUSTER, "pool", "rbd", "imageName", "csi-vol-1");

    private final FakeCommandRunner commands = new FakeCommandRunner();
    private final RbdVolumeExpander expander =
            new RbdVolumeExpander(new CephCli(CephFixtures.settings(), commands, CephFixtures.breakers()));

    private static String info(long bytes) {
        return "{\"name\":\"csi-vol-1\",\"id\":\"10a2b3c4\",\"size\":" + bytes + ",\"objects\":" + bytes / (4 * MI)
                + ",\"order\":22,\"object_size\":4194304,\"block_name_prefix\":\"rbd_data.10a2b3c4\",\"format\":2}\n";
    }

    @Test
    void shouldResizeToWholeMebibytesAndReadTheSizeBack() {
        commands.on(argv(Tool.RBD, "info", "--format", "json", "rbd/csi-vol-1"), 0, info(320 * MI), "")
                .on(argv(Tool.RBD, "info", "--format", "json", "rbd/csi-vol-1"), 0, info(641 * MI), "")
                .on(argv(Tool.RBD, "resize", "--size", "641M", "--no-progress", "rbd/csi-vol-1"), "");

        ExpansionResult result = expander.expand(TestRequests.forVolume("pv-1").withDriver("rbd.csi.ceph.com")
                .withAttributes(ATTRIBUTES).toBytes(640 * MI + 1).build());

        assertThat(result.newSizeBytes()).isEqualTo(641 * MI);
        assertThat(result.nodeExpansionRequired()).isTrue();
        assertThat(commands.calls()).containsExactly(
                argv(Tool.RBD, "info", "--format", "json", "rbd/csi-vol-1"),
                argv(Tool.RBD, "resize", "--size", "641M", "--no-progress", "rbd/csi-vol-1"),
                argv(Tool.RBD, "info", "--format", "json", "rbd/csi-vol-1"));
    }

    @Test
    void shouldRefuseAPoolTheClusterDoesNotServeWithoutRunningAnything() {
        RbdVolumeExpander onlyReplicapool = new RbdVolumeExpander(
                new CephCli(CephFixtures.settings(List.of("replicapool"), null), commands, CephFixtures.breakers()));

        ResizeException refused = catchThrowableOfType(ResizeException.class, () -> onlyReplicapool.expand(
                TestRequests.forVolume("pv-1").withAttributes(ATTRIBUTES).to("640Mi").build()));

        assertThat(refused.kind()).isEqualTo(io.pvcresizer.common.events.FailureKind.INFEASIBLE);
        assertThat(refused.reason()).isEqualTo("NotServed");
        assertThat(refused.getMessage()).contains("pool rbd", "[replicapool]");
        assertThat(commands.calls()).isEmpty();
    }

    @Test
    void shouldDoNothingWhenTheImageAlreadyHasTheSize() {
        commands.on(argv(Tool.RBD, "info", "--format", "json", "rbd/csi-vol-1"), 0, info(640 * MI), "");

        ExpansionResult result = expander.expand(TestRequests.forVolume("pv-1").withAttributes(ATTRIBUTES).to("640Mi").build());

        assertThat(result.alreadyAtSize()).isTrue();
        assertThat(commands.calls()).hasSize(1);
    }

    @Test
    void shouldNeverShrinkALargerImage() {
        commands.on(argv(Tool.RBD, "info", "--format", "json", "rbd/csi-vol-1"), 0, info(1024 * MI), "");

        ExpansionResult result = expander.expand(TestRequests.forVolume("pv-1").withAttributes(ATTRIBUTES).to("640Mi").build());

        assertThat(result.alreadyAtSize()).isTrue();
        assertThat(result.newSizeBytes()).isEqualTo(1024 * MI);
        assertThat(commands.calls()).hasSize(1);
    }

    @Test
    void shouldNeedNoNodeStepInBlockMode() {
        commands.on(argv(Tool.RBD, "info", "--format", "json", "rbd/csi-vol-1"), 0, info(640 * MI), "");

        assertThat(expander.expand(TestRequests.forVolume("pv-1").withAttributes(ATTRIBUTES).to("640Mi").inBlockMode().build())
                .nodeExpansionRequired()).isFalse();
    }

    @Test
    void shouldAddTheRadosNamespaceToTheImageSpec() {
        commands.on(argv(Tool.RBD, "info", "--format", "json", "rbd/tenant-a/csi-vol-1"), 0, info(640 * MI), "");

        expander.expand(TestRequests.forVolume("pv-1").withAttributes(Map.of("clusterID", CephFixtures.CLUSTER, "pool", "rbd",
                "imageName", "csi-vol-1", "radosNamespace", "tenant-a")).to("640Mi").build());

        assertThat(commands.calls()).hasSize(1);
    }

    @Test
    void shouldRefuseNamesThatCouldBeTakenForOptions() {
        for (Map<String, String> bad : java.util.List.of(
                Map.of("clusterID", CephFixtures.CLUSTER, "pool", "rbd", "imageName", "--allow-shrink"),
                Map.of("clusterID", CephFixtures.CLUSTER, "pool", "../etc", "imageName", "img"),
                Map.of("clusterID", CephFixtures.CLUSTER, "pool", "rbd"))) {
            assertThatThrownBy(() -> expander.expand(TestRequests.forVolume("pv-1").withAttributes(bad).to("640Mi").build()))
                    .isInstanceOfSatisfying(ResizeException.class, e -> assertThat(e.kind()).isEqualTo(FailureKind.INFEASIBLE));
        }
        assertThat(commands.calls()).isEmpty();
    }

    @Test
    void shouldFailFinallyForAClusterThatIsNotConfigured() {
        assertThatThrownBy(() -> expander.expand(TestRequests.forVolume("pv-1").withAttributes(
                Map.of("clusterID", "elsewhere", "pool", "rbd", "imageName", "img")).to("640Mi").build()))
                .isInstanceOfSatisfying(ResizeException.class, e -> assertThat(e.reason()).isEqualTo("UnknownCephCluster"));
    }

    @Test
    void shouldParseRbdInfo() {
        assertThat(RbdImageInfo.parse(info(320 * MI))).isEqualTo(new RbdImageInfo("csi-vol-1", 320 * MI));
        assertThatThrownBy(() -> RbdImageInfo.parse("rbd: error")).isInstanceOf(ResizeException.class);
    }
}
