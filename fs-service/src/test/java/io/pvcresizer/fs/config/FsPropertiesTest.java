package io.pvcresizer.fs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pvcresizer.common.testing.ConfigurationBinding;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Settles the defaults of {@code pvc-resizer.fs.*} and refuses to start without a node name. */
class FsPropertiesTest {

    @Test
    void shouldRefuseToStartWithoutANodeName() {
        assertThatThrownBy(() -> new FsProperties(" ", null, null, null, null, null, null, null, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pvc-resizer.fs.node-name")
                .hasMessageContaining("PVCRESIZER_FS_NODENAME");
    }

    @Test
    void shouldDefaultEverythingButTheNodeName() {
        FsProperties properties = ConfigurationBinding.bind(FsProperties.class, Map.of("node-name", "node-a"));

        assertThat(properties.kubeletRoot()).isEqualTo(Path.of("/var/lib/kubelet"));
        assertThat(properties.mountinfoPath()).isEqualTo(Path.of("/proc/self/mountinfo"));
        assertThat(properties.localFile().imageDir()).isEqualTo(Path.of("/var/lib/pvc-resizer/images"));
        assertThat(properties.commandTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(properties.publishTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(properties.csi().drivers()).isEmpty();
        assertThat(properties.maxTarget().toBytes()).isEqualTo(64L << 40);
        assertThat(properties.csi().socketOf("ebs.csi.aws.com", properties.kubeletRoot()))
                .isEqualTo(Path.of("/var/lib/kubelet/plugins/ebs.csi.aws.com/csi.sock"));
    }
}
