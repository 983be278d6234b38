package io.pvcresizer.fs.config;

import io.pvcresizer.fs.FsServiceApplication;
import io.pvcresizer.common.config.ServiceDefaults;

/** Loads fs-service's default settings ({@code fs-service-defaults.yml}) when fs-service is the application being started. */
public class FsServiceDefaults extends ServiceDefaults {

    public FsServiceDefaults() {
        super(FsServiceApplication.class, "fs-service-defaults.yml");
    }
}
