package io.pvcresizer.fs.health;

import io.pvcresizer.fs.mount.MountTable;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/** Readiness of the host mount table fs-service finds volumes in: DOWN with the reason when it cannot be read. */
public class MountTableHealthIndicator implements HealthIndicator {

    private final MountTable mountTable;
    private final String source;

    public MountTableHealthIndicator(MountTable mountTable, String source) {
        this.mountTable = mountTable;
        this.source = source;
    }

    @Override
    public Health health() {
        try {
            return Health.up().withDetail("source", source).withDetail("mounts", mountTable.mounts().size()).build();
        } catch (RuntimeException e) {
            return Health.down().withDetail("reason", "cannot read the mount table " + source)
                    .withDetail("error", e.getMessage()).build();
        }
    }
}
