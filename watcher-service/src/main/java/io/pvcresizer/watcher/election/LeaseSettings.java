package io.pvcresizer.watcher.election;

import java.time.Duration;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The Lease that elects the one active watcher ({@code pvc-resizer.watcher.leader-election.*}).
 *
 * @param leaseName      name of the coordination.k8s.io Lease
 * @param leaseNamespace namespace of the Lease (in the Deployment the pod's own, from the downward API)
 * @param identity       this replica's identity (in the Deployment the pod name); empty: host name and process id
 * @param leaseDuration  how long a lease is valid without renewal
 * @param renewDeadline  how long the leader keeps trying to renew before it gives up leadership
 * @param retryPeriod    how often candidates try to acquire or renew
 */
public record LeaseSettings(
        @DefaultValue("pvc-resizer-watcher") String leaseName,
        @DefaultValue("default") String leaseNamespace,
        @DefaultValue("") String identity,
        @DefaultValue("15s") Duration leaseDuration,
        @DefaultValue("10s") Duration renewDeadline,
        @DefaultValue("2s") Duration retryPeriod) {

    public LeaseSettings {
        identity = identity == null || identity.isBlank() ? defaultIdentity() : identity;
    }

    private static String defaultIdentity() {
        String host = System.getenv("HOSTNAME");
        return (host == null || host.isBlank() ? "watcher" : host) + "-" + ProcessHandle.current().pid();
    }
}
