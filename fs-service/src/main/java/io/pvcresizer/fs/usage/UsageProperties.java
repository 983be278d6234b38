package io.pvcresizer.fs.usage;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the volume usage reports ({@code pvc-resizer.fs.usage.*}).
 *
 * @param interval       time between the end of one pass over the mounted volumes and the start of the next
 * @param enabled        whether the agent reports usage at all
 * @param commandTimeout how long {@code df} may take on one mount before that mount is skipped (a hung FUSE mount)
 */
@ConfigurationProperties("pvc-resizer.fs.usage")
public record UsageProperties(
        @DefaultValue("60s") Duration interval,
        @DefaultValue("true") boolean enabled,
        @DefaultValue("5s") Duration commandTimeout) {

    public UsageProperties {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("pvc-resizer.fs.usage.interval must be positive, not " + interval);
        }
        if (commandTimeout.isNegative() || commandTimeout.isZero()) {
            throw new IllegalArgumentException("pvc-resizer.fs.usage.command-timeout must be positive, not " + commandTimeout);
        }
    }
}
