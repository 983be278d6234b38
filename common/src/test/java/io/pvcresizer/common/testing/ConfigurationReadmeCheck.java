package io.pvcresizer.common.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The checks every service runs on its configuration: its README's table says what its settings records say, and its
 * Spring defaults file carries none of their defaults. A service's test extends it with its module name.
 */
public abstract class ConfigurationReadmeCheck {

    private final String module;
    private final String ownKey;

    /**
     * @param module the service's module, whose {@code README.md} and {@code <module>-defaults.yml} are checked
     * @param ownKey a key of the service's own records, to be sure their metadata is on the class path
     */
    protected ConfigurationReadmeCheck(String module, String ownKey) {
        this.module = module;
        this.ownKey = ownKey;
    }

    @Test
    void shouldDocumentEveryKeyWithTheDefaultOfItsRecord() {
        Map<String, Object> metadata = ConfigurationTable.metadata();

        assertThat(metadata).containsKey("pvc-resizer.kafka.partitions").containsKey(ownKey);
        assertThat(ConfigurationTable.problems(ProjectFiles.find(module + "/README.md"), metadata)).isEmpty();
    }

    @Test
    void shouldKeepNoDefaultOfItsOwnSettingsInTheSpringDefaults() throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/" + module + "-defaults.yml")) {
            assertThat(in).isNotNull();
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
                    .as("the pvc-resizer.* defaults are written in the settings records only")
                    .doesNotContainPattern("(?m)^pvc-resizer:");
        }
    }
}
