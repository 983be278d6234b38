package io.pvcresizer.fs.config;

import io.pvcresizer.common.testing.ConfigurationReadmeCheck;

/** The configuration table of fs-service/README.md says what the settings records say: every key, every default. */
class ConfigurationReadmeTest extends ConfigurationReadmeCheck {

    ConfigurationReadmeTest() {
        super("fs-service", "pvc-resizer.fs.publish-timeout");
    }
}
