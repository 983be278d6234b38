package io.pvcresizer.resize.guard;

import static org.assertj.core.api.Assertions.assertThat;

import io.pvcresizer.resize.ResizeProperties;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class GuardSettingsTest {

    @Test
    void shouldDefaultToFourCallsNoWaitAndOneQuickRetry() {
        GuardSettings settings = bind(Map.of()).guard();

        assertThat(settings.limitsFor("rbd")).isEqualTo(
                new GuardSettings.Limits("rbd", 4, Duration.ZERO, 2, Duration.ofMillis(500)));
    }

    @Test
    void shouldBindDefaultsAndPerBackendOverridesFromTheDocumentedKeys() {
        GuardSettings settings = bind(Map.of(
                "pvc-resizer.resize.guard.max-concurrent-calls", "8",
                "pvc-resizer.resize.guard.max-wait-duration", "50ms",
                "pvc-resizer.resize.guard.retry.wait-duration", "1s",
                "pvc-resizer.resize.guard.backends.rbd.max-concurrent-calls", "2",
                "pvc-resizer.resize.guard.backends.local-file.retry.max-attempts", "1")).guard();

        assertThat(settings.limitsFor("rbd")).isEqualTo(
                new GuardSettings.Limits("rbd", 2, Duration.ofMillis(50), 2, Duration.ofSeconds(1)));
        assertThat(settings.limitsFor("local-file")).isEqualTo(
                new GuardSettings.Limits("local-file", 8, Duration.ofMillis(50), 1, Duration.ofSeconds(1)));
        assertThat(settings.limitsFor("cephfs")).isEqualTo(
                new GuardSettings.Limits("cephfs", 8, Duration.ofMillis(50), 2, Duration.ofSeconds(1)));
    }

    private static ResizeProperties bind(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties))
                .bindOrCreate("pvc-resizer.resize", ResizeProperties.class);
    }
}
