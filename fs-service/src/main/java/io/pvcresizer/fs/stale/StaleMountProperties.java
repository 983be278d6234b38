package io.pvcresizer.fs.stale;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the stale FUSE mount scan ({@code pvc-resizer.fs.stale-mounts.*}).
 *
 * @param scanInterval how often every FUSE mount of the node is checked
 * @param recover      whether a stale mount under the kubelet root whose daemon's command line is known is remounted
 * @param statTimeout  how long the {@code stat} of one mount point may take before the mount counts as hung
 * @param daemonBinaries the only FUSE daemon programs a recovery may run again (absolute host paths, root-owned);
 *                       by default ceph-fuse and rbd-fuse as Debian installs them; empty: none is ever run again
 */
@ConfigurationProperties("pvc-resizer.fs.stale-mounts")
public record StaleMountProperties(
        @DefaultValue("30s") Duration scanInterval,
        @DefaultValue("false") boolean recover,
        @DefaultValue("5s") Duration statTimeout,
        @DefaultValue("/usr/bin/ceph-fuse,/usr/bin/rbd-fuse") java.util.List<java.nio.file.Path> daemonBinaries) {

    public StaleMountProperties {
        daemonBinaries = java.util.List.copyOf(daemonBinaries);
        if (scanInterval.isNegative() || scanInterval.isZero()) {
            throw new IllegalArgumentException("pvc-resizer.fs.stale-mounts.scan-interval must be positive, not " + scanInterval);
        }
        if (statTimeout.isNegative() || statTimeout.isZero()) {
            throw new IllegalArgumentException("pvc-resizer.fs.stale-mounts.stat-timeout must be positive, not " + statTimeout);
        }
    }
}
