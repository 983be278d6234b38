package io.pvcresizer.fs.usage;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the volume usage reports ({@code pvc-resizer.fs.usage.*}).
 *
 * @param interval       time between the end of one pass over the mounted volumes and the start of the next
 * @param enabled        whether the agent reports usage at all
 * @param commandTimeout how long {@code df} may take on one mount before that mount is skipped (a hung FUSE mount)
 */
@ConfigurationProperties("pvc-resizer.fs.usage")
public record UsageProperties(Duration interval, Boolean enabled, Duration commandTimeout) {

    public UsageProperties {
        interval = interval == null ? Duration.ofSeconds(60) : interval;
        enabled = enabled == null ? Boolean.TRUE : enabled;
        commandTimeout = commandTimeout == null ? Duration.ofSeconds(5) : commandTimeout;
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("pvc-resizer.fs.usage.interval must be positive, not " + interval);
        }
        if (commandTimeout.isNegative() || commandTimeout.isZero()) {
            throw new IllegalArgumentException("pvc-resizer.fs.usage.command-timeout must be positive, not " + commandTimeout);
        }
    }
}
