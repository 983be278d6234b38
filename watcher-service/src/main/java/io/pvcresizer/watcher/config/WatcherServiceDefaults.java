package io.pvcresizer.watcher.config;

import io.pvcresizer.common.config.ServiceDefaults;
import io.pvcresizer.watcher.WatcherServiceApplication;

/** Loads watcher-service's default settings ({@code watcher-service-defaults.yml}) when watcher-service is the application being started. */
public class WatcherServiceDefaults extends ServiceDefaults {

    public WatcherServiceDefaults() {
        super(WatcherServiceApplication.class, "watcher-service-defaults.yml");
    }
}
