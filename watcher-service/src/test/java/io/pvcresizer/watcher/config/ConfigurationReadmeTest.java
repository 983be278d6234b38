package io.pvcresizer.watcher.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.pvcresizer.common.testing.ConfigurationTable;
import io.pvcresizer.common.testing.ProjectFiles;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The configuration table of watcher-service/README.md says what the settings records say: every key, every default. */
class ConfigurationReadmeTest {

    @Test
    void shouldDocumentEveryKeyWithTheDefaultOfItsRecord() {
        Map<String, Object> metadata = ConfigurationTable.metadata();

        assertThat(metadata).containsKey("pvc-resizer.kafka.partitions").containsKey(KEY);
        assertThat(ConfigurationTable.problems(ProjectFiles.find("watcher-service/README.md"), metadata)).isEmpty();
    }

    @Test
    void shouldKeepNoDefaultOfItsOwnSettingsInTheSpringDefaults() throws java.io.IOException {
        try (var in = getClass().getResourceAsStream("/watcher-service-defaults.yml")) {
            assertThat(in).isNotNull();
            assertThat(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8))
                    .as("the pvc-resizer.* defaults are written in the settings records only")
                    .doesNotContainPattern("(?m)^pvc-resizer:");
        }
    }

    private static final String KEY = "pvc-resizer.watcher.publish-timeout";
}
