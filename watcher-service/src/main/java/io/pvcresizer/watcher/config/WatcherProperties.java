package io.pvcresizer.watcher.config;

import io.pvcresizer.common.drivers.BuiltInDrivers;
import io.pvcresizer.watcher.election.LeaseSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the watcher ({@code pvc-resizer.watcher.*}); the defaults written here are the only ones.
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
 * @param kubeconfig       the kubeconfig file to reach the API server with; unset, {@code api-server} or the usual
 *                         kubeconfig / in-cluster discovery as kubectl does it
 * @param apiServer        an API server URL to talk to plainly, without credentials (local clusters only)
 * @param groupId          the Kafka consumer group of the results topics
 */
@ConfigurationProperties("pvc-resizer.watcher")
public record WatcherProperties(
        @DefaultValue({BuiltInDrivers.LOCAL_FILE, BuiltInDrivers.RBD, BuiltInDrivers.CEPHFS}) Set<String> drivers,
        @DefaultValue("pvc-resizer") String resizerName,
        @DefaultValue("30s") Duration resyncPeriod,
        @DefaultValue("5m") Duration failedRetryAfter,
        @DefaultValue("2m") Duration redriveAfter,
        @DefaultValue("15s") Duration publishTimeout,
        @DefaultValue("4") int workers,
        @DefaultValue("3") int resultConsumers,
        @DefaultValue @NestedConfigurationProperty LeaseSettings leaderElection,
        @DefaultValue Set<String> offlineDrivers,
        @DefaultValue Map<String, String> requestTopics,
        @DefaultValue OtherResizerCheck otherResizers,
        @DefaultValue("5m") Duration nodeAgentTimeout,
        Path kubeconfig,
        String apiServer,
        @DefaultValue("pvc-resizer-watcher") String groupId) {

    public WatcherProperties {
        if (workers < 1 || resultConsumers < 1) {
            throw new IllegalArgumentException("pvc-resizer.watcher.workers and .result-consumers must be at least 1");
        }
        drivers = Set.copyOf(drivers);
        offlineDrivers = Set.copyOf(offlineDrivers);
        requestTopics = Map.copyOf(requestTopics);
        apiServer = apiServer == null || apiServer.isBlank() ? null : apiServer;
    }

    /**
     * The look for another resizer (a {@code csi-resizer} sidecar) active for a served driver.
     *
     * @param enabled     look at all; off, pvc-resizer never stands back
     * @param period      how often to look at the Leases and events
     * @param eventWindow how recent an event of the other resizer must be to count
     */
    public record OtherResizerCheck(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("15s") Duration period,
            @DefaultValue("10m") Duration eventWindow) {
    }
}
