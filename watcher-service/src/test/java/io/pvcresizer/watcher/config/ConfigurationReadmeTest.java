package io.pvcresizer.watcher.config;

import io.pvcresizer.common.testing.ConfigurationReadmeCheck;

/** The configuration table of watcher-service/README.md says what the settings records say: every key, every default. */
class ConfigurationReadmeTest extends ConfigurationReadmeCheck {

    ConfigurationReadmeTest() {
        super("watcher-service", "pvc-resizer.watcher.publish-timeout");
    }
}
