package io.pvcresizer.csi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.pvcresizer.common.events.FailureKind;
import io.pvcresizer.common.failure.ResizeException;
import io.pvcresizer.csi.testing.CsiMockDriver;
import io.pvcresizer.csi.testing.CsiTestPrograms;
import io.pvcresizer.csi.v1.CapacityRange;
import io.pvcresizer.csi.v1.ControllerExpandVolumeRequest;
import io.pvcresizer.csi.v1.ControllerExpandVolumeResponse;
import io.pvcresizer.csi.v1.NodeExpandVolumeRequest;
import io.pvcresizer.csi.v1.PluginCapability;
import io.pvcresizer.csi.v1.VolumeCapability;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** The CSI client against a real CSI server: Kubernetes' own mock CSI driver, on a Unix socket. */
class CsiConnectionIT {

    private static final String DRIVER = "hostpath.csi.k8s.io";
    private static final long GIB = 1L << 30;

    @TempDir
    Path dir;

    @BeforeAll
    static void programs() {
        assumeTrue(CsiTestPrograms.runnable(), "the CSI test programs are not built and there is no Go to build them");
    }

    @Test
    void shouldDiscoverAnOnlineDriverThatExpandsOnTheController() {
        try (CsiMockDriver driver = CsiMockDriver.start(DRIVER, dir.resolve("csi.sock"));
                CsiConnection csi = CsiConnection.open(driver.socket(), Duration.ofSeconds(10))) {
            DriverCapabilities capabilities = DriverCapabilities.discoverController(csi);

            assertThat(capabilities.name()).isEqualTo(DRIVER);
            assertThat(capabilities.expansion()).isEqualTo(PluginCapability.VolumeExpansion.Type.ONLINE);
            assertThat(capabilities.controllerExpand()).isTrue();
            assertThat(capabilities.missingForControllerExpansion(DRIVER)).isEmpty();
            assertThat(capabilities.missingForControllerExpansion("ebs.csi.aws.com"))
                    .containsExactly("driver name: the socket serves \"" + DRIVER + "\", configured \"ebs.csi.aws.com\"");
            assertThat(DriverCapabilities.nodeExpands(csi)).isFalse();
        }
    }

    @Test
    void shouldNameTheMissingCapabilitiesOfAnOfflineDriverWithoutControllerExpansion() {
        try (CsiMockDriver driver = CsiMockDriver.start(DRIVER, dir.resolve("csi.sock"),
                "--disable-online-expansion", "--disable-controller-expansion", "--node-expansion-required");
                CsiConnection csi = CsiConnection.open(driver.socket(), Duration.ofSeconds(10))) {
            DriverCapabilities capabilities = DriverCapabilities.discoverController(csi);

            assertThat(capabilities.expansion()).isEqualTo(PluginCapability.VolumeExpansion.Type.OFFLINE);
            assertThat(capabilities.online()).isFalse();
            assertThat(capabilities.missingForControllerExpansion(DRIVER)).containsExactly("controller capability EXPAND_VOLUME");
            assertThat(DriverCapabilities.nodeExpands(csi)).isTrue();
        }
    }

    @Test
    void shouldExpandAVolumeWithTheCapabilityAndSecretsTheDriverReceives() {
        try (CsiMockDriver driver = CsiMockDriver.start(DRIVER, dir.resolve("csi.sock"), "--node-expansion-required");
                CsiConnection csi = CsiConnection.open(driver.socket(), Duration.ofSeconds(10))) {
            VolumeCapability capability = VolumeCapabilities.of(List.of("ReadWriteOnce"), false, "xfs", List.of("noatime"), false);
            ControllerExpandVolumeResponse response = csi.controllerExpand(ControllerExpandVolumeRequest.newBuilder()
                    .setVolumeId("1")
                    .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(101 * GIB))
                    .setVolumeCapability(capability)
                    .putAllSecrets(Map.of("secretKey", "expand-secret"))
                    .build());

            assertThat(response.getCapacityBytes()).isEqualTo(101 * GIB);
            assertThat(response.getNodeExpansionRequired()).isTrue();
            JsonNode sent = driver.requests("/csi.v1.Controller/ControllerExpandVolume").get(0);
            assertThat(sent.path("volume_id").asString()).isEqualTo("1");
            assertThat(sent.path("capacity_range").path("required_bytes").asLong()).isEqualTo(101 * GIB);
            assertThat(sent.path("secrets").path("secretKey").asString()).isEqualTo("expand-secret");
            assertThat(sent.path("volume_capability").path("AccessType").path("Mount").path("fs_type").asString()).isEqualTo("xfs");
            assertThat(sent.path("volume_capability").path("AccessType").path("Mount").path("mount_flags").get(0).asString())
                    .isEqualTo("noatime");
            assertThat(sent.path("volume_capability").path("access_mode").path("mode").asInt())
                    .isEqualTo(VolumeCapability.AccessMode.Mode.SINGLE_NODE_WRITER_VALUE);
        }
    }

    @Test
    void shouldExpandOnTheNodeWithThePathsGiven() {
        try (CsiMockDriver driver = CsiMockDriver.start(DRIVER, dir.resolve("csi.sock"), "--node-expansion-required");
                CsiConnection csi = CsiConnection.open(driver.socket(), Duration.ofSeconds(10))) {
            long capacity = csi.nodeExpand(NodeExpandVolumeRequest.newBuilder()
                    .setVolumeId("2")
                    .setVolumePath("/var/lib/kubelet/pods/uid/volumes/kubernetes.io~csi/pv-2/mount")
                    .setStagingTargetPath("/var/lib/kubelet/plugins/kubernetes.io/csi/" + DRIVER + "/hash/globalmount")
                    .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(120 * GIB))
                    .setVolumeCapability(VolumeCapabilities.of(List.of("ReadWriteOnce"), false, "ext4", List.of(), false))
                    .build()).getCapacityBytes();

            assertThat(capacity).isEqualTo(120 * GIB);
            JsonNode sent = driver.requests("/csi.v1.Node/NodeExpandVolume").get(0);
            assertThat(sent.path("staging_target_path").asString()).endsWith("/globalmount");
        }
    }

    @Test
    void shouldClassifyTheDriversRealErrors() {
        try (CsiMockDriver driver = CsiMockDriver.start(DRIVER, dir.resolve("csi.sock"));
                CsiConnection csi = CsiConnection.open(driver.socket(), Duration.ofSeconds(10))) {
            ResizeException notFound = failure(csi, "no-such-volume", 200 * GIB);
            assertThat(notFound.kind()).isEqualTo(FailureKind.INFEASIBLE);
            assertThat(notFound.reason()).isEqualTo("CsiNotFound");
            assertThat(notFound.getMessage()).isEqualTo("ControllerExpandVolume of volume no-such-volume by driver " + DRIVER
                    + " failed: rpc error: code = NotFound desc = no-such-volume");

            ResizeException smaller = failure(csi, "3", 10 * GIB);
            assertThat(smaller.kind()).isEqualTo(FailureKind.INFEASIBLE);
            assertThat(smaller.reason()).isEqualTo("CsiInvalidArgument");
            assertThat(smaller.getMessage()).endsWith("desc = cannot change volume capacity to a smaller size");
        }
    }

    @Test
    void shouldTreatAnAbsentDriverAsTransient() {
        try (CsiConnection csi = CsiConnection.open(dir.resolve("nobody.sock"), Duration.ofSeconds(2))) {
            ResizeException absent = failure(csi, "1", 200 * GIB);

            assertThat(absent.kind()).isEqualTo(FailureKind.TRANSIENT);
            assertThat(absent.reason()).isEqualTo("CsiUnavailable");
        }
    }

    private static ResizeException failure(CsiConnection csi, String volumeId, long bytes) {
        try {
            csi.controllerExpand(ControllerExpandVolumeRequest.newBuilder().setVolumeId(volumeId)
                    .setCapacityRange(CapacityRange.newBuilder().setRequiredBytes(bytes)).build());
        } catch (StatusRuntimeException e) {
            return CsiErrors.toResizeException("ControllerExpandVolume", DRIVER, volumeId, e);
        }
        throw new AssertionError("expected a failure for volume " + volumeId);
    }
}
