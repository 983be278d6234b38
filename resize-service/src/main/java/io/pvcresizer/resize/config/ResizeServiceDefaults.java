package io.pvcresizer.resize.config;

import io.pvcresizer.resize.ResizeServiceApplication;
import io.pvcresizer.common.config.ServiceDefaults;

/** Loads resize-service's default settings ({@code resize-service-defaults.yml}) when resize-service is the application being started. */
public class ResizeServiceDefaults extends ServiceDefaults {

    public ResizeServiceDefaults() {
        super(ResizeServiceApplication.class, "resize-service-defaults.yml");
    }
}
