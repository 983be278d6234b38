package io.pvcresizer.watcher.config;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the watcher ({@code pvc-resizer.watcher.*}).
 *
 * @param drivers          CSI drivers / provisioners pvc-resizer has a backend for; PVCs of other drivers are refused
 * @param resizerName      the name this resizer writes into events ("resize volume … by resizer …")
 * @param resyncPeriod     how often every PVC is re-examined, so a missed watch event is caught
 * @param failedRetryAfter how long a failed resize waits before it is requested again (external-resizer parks 5 min)
 * @param redriveAfter     how long an in-flight step may go without an answer before its request is published again
 * @param publishTimeout   how long a Kafka send may take before the step counts as failed and is retried
 * @param workers          work threads; each claim belongs to one, so its writes never race, and claims are
 *                         reconciled in parallel across them (the watcher's API round trips bound its throughput)
 * @param resultConsumers  Kafka consumer threads of the results topics (at most their partition count is useful)
 * @param leaderElection   the Lease that elects the one active watcher
 * @param offlineDrivers   served drivers that grow a volume only while no pod uses it (CSI VolumeExpansion OFFLINE)
 * @param requestTopics    driver → topic its volume requests go to, for a resize-service sidecar per driver; drivers
 *                         not named here go to {@code pvc-resize.volume-requests}
 * @param otherResizers    how pvc-resizer looks for another resizer active for a served driver
 * @param nodeAgentTimeout how long a node step may go unanswered (re-requested meanwhile) before the claim shows a
 *                         {@code NodeResizeError} saying the node's fs-service does not answer
 */
@ConfigurationProperties("pvc-resizer.watcher")
public record WatcherProperties(
        Set<String> drivers,
        String resizerName,
        Duration resyncPeriod,
        Duration failedRetryAfter,
        Duration redriveAfter,
        Duration publishTimeout,
        Integer workers,
        Integer resultConsumers,
        LeaderElection leaderElection,
        Set<String> offlineDrivers,
        Map<String, String> requestTopics,
        OtherResizerCheck otherResizers,
        Duration nodeAgentTimeout) {

    public WatcherProperties {
        drivers = drivers == null ? Set.of("file.pvc-resizer.io", "rbd.csi.ceph.com", "cephfs.csi.ceph.com") : Set.copyOf(drivers);
        resizerName = resizerName == null ? "pvc-resizer" : resizerName;
        resyncPeriod = resyncPeriod == null ? Duration.ofSeconds(30) : resyncPeriod;
        failedRetryAfter = failedRetryAfter == null ? Duration.ofMinutes(5) : failedRetryAfter;
        redriveAfter = redriveAfter == null ? Duration.ofMinutes(2) : redriveAfter;
        publishTimeout = publishTimeout == null ? Duration.ofSeconds(15) : publishTimeout;
        workers = workers == null ? 4 : workers;
        resultConsumers = resultConsumers == null ? 3 : resultConsumers;
        if (workers < 1 || resultConsumers < 1) {
            throw new IllegalArgumentException("pvc-resizer.watcher.workers and .result-consumers must be at least 1");
        }
        leaderElection = leaderElection == null ? new LeaderElection(null, null, null, null, null, null) : leaderElection;
        offlineDrivers = offlineDrivers == null ? Set.of() : Set.copyOf(offlineDrivers);
        requestTopics = requestTopics == null ? Map.of() : Map.copyOf(requestTopics);
        otherResizers = otherResizers == null ? new OtherResizerCheck(null, null, null) : otherResizers;
        nodeAgentTimeout = nodeAgentTimeout == null ? Duration.ofMinutes(5) : nodeAgentTimeout;
    }

    /**
     * The look for another resizer (a {@code csi-resizer} sidecar) active for a served driver.
     *
     * @param enabled     look at all (default true); off, pvc-resizer never stands back
     * @param period      how often to look at the Leases and events
     * @param eventWindow how recent an event of the other resizer must be to count
     */
    public record OtherResizerCheck(Boolean enabled, Duration period, Duration eventWindow) {
        public OtherResizerCheck {
            enabled = enabled == null || enabled;
            period = period == null ? Duration.ofSeconds(15) : period;
            eventWindow = eventWindow == null ? Duration.ofMinutes(10) : eventWindow;
        }
    }

    /**
     * Lease-based leader election.
     *
     * @param leaseName      name of the coordination.k8s.io Lease
     * @param leaseNamespace namespace of the Lease
     * @param identity       this replica's identity (the pod name)
     * @param leaseDuration  how long a lease is valid without renewal
     * @param renewDeadline  how long the leader keeps trying to renew before it gives up leadership
     * @param retryPeriod    how often candidates try to acquire or renew
     */
    public record LeaderElection(
            String leaseName, String leaseNamespace, String identity,
            Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {
        public LeaderElection {
            leaseName = leaseName == null ? "pvc-resizer-watcher" : leaseName;
            leaseNamespace = leaseNamespace == null ? "default" : leaseNamespace;
            identity = identity == null || identity.isBlank() ? defaultIdentity() : identity;
            leaseDuration = leaseDuration == null ? Duration.ofSeconds(15) : leaseDuration;
            renewDeadline = renewDeadline == null ? Duration.ofSeconds(10) : renewDeadline;
            retryPeriod = retryPeriod == null ? Duration.ofSeconds(2) : retryPeriod;
        }

        private static String defaultIdentity() {
            String host = System.getenv("HOSTNAME");
            return (host == null || host.isBlank() ? "watcher" : host) + "-" + ProcessHandle.current().pid();
        }
    }
}
