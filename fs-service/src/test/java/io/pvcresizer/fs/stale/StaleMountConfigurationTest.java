package io.pvcresizer.fs.stale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The settings and the proc filesystem the scan reads. */
class StaleMountConfigurationTest {

    @Test
    void shouldDefaultToAScanEvery30SecondsWithoutRecoveryAndA5SecondStat() {
        StaleMountProperties properties = bind(Map.of("pvc-resizer.fs.stale-mounts.recover", "false"));

        assertThat(properties.scanInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(properties.recover()).isFalse();
        assertThat(properties.statTimeout()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void shouldBindTheThreeKeys() {
        StaleMountProperties properties = bind(Map.of("pvc-resizer.fs.stale-mounts.scan-interval", "10s",
                "pvc-resizer.fs.stale-mounts.recover", "true", "pvc-resizer.fs.stale-mounts.stat-timeout", "2s"));

        assertThat(properties).isEqualTo(new StaleMountProperties(Duration.ofSeconds(10), true, Duration.ofSeconds(2),
                List.of(Path.of("/usr/bin/ceph-fuse"), Path.of("/usr/bin/rbd-fuse"))));
    }

    @Test
    void shouldRefuseAZeroInterval() {
        assertThatThrownBy(() -> new StaleMountProperties(Duration.ZERO, false, Duration.ofSeconds(5), List.of()))
                .hasMessageContaining("scan-interval must be positive");
    }

    @Test
    void shouldReadTheProcFilesystemBesideTheMountTable() {
        assertThat(StaleMountConfiguration.procRootOf(Path.of("/host/proc/1/mountinfo"))).isEqualTo(Path.of("/host/proc"));
        assertThat(StaleMountConfiguration.procRootOf(Path.of("/proc/self/mountinfo"))).isEqualTo(Path.of("/proc"));
        assertThat(StaleMountConfiguration.procRootOf(Path.of("/etc/mounts.txt"))).isEqualTo(Path.of("/proc"));
    }

    private static StaleMountProperties bind(Map<String, String> values) {
        return new Binder(new MapConfigurationPropertySource(values))
                .bindOrCreate("pvc-resizer.fs.stale-mounts", StaleMountProperties.class);
    }
}
