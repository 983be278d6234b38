package io.pvcresizer.resize;

import io.pvcresizer.common.testing.ConfigurationReadmeCheck;

/** The configuration table of resize-service/README.md says what the settings records say: every key, every default. */
class ConfigurationReadmeTest extends ConfigurationReadmeCheck {

    ConfigurationReadmeTest() {
        super("resize-service", "pvc-resizer.resize.publish-timeout");
    }
}
