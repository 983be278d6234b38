package io.pvcresizer.watcher.election;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs Lease-based leader election among watcher replicas (a coordination.k8s.io Lease, as kube-controller-manager
 * does) and keeps {@link Leadership} up to date; the Lease is released on shutdown so a standby takes over at once.
 */
public class LeaseLeaderElection implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LeaseLeaderElection.class);

    private final KubernetesClient client;
    private final LeaseSettings config;
    private final Leadership leadership;
    private volatile CompletableFuture<?> running;
    private volatile boolean closing;

    public LeaseLeaderElection(KubernetesClient client, LeaseSettings config, Leadership leadership) {
        this.client = client;
        this.config = config;
        this.leadership = leadership;
    }

    /**
     * Starts competing for the Lease in the background. fabric8's elector ends for good when it loses the lease (for
     * instance after the API server was unreachable longer than the renew deadline); a new one is then started, so a
     * replica that lost leadership competes again instead of standing by forever.
     */
    public void start() {
        if (closing) {
            return;
        }
        log.info("competing for lease {}/{} as {}", config.leaseNamespace(), config.leaseName(), config.identity());
        running = client.leaderElector().withConfig(new LeaderElectionConfigBuilder()
                .withName(config.leaseName())
                .withLock(new LeaseLock(config.leaseNamespace(), config.leaseName(), config.identity()))
                .withLeaseDuration(config.leaseDuration())
                .withRenewDeadline(config.renewDeadline())
                .withRetryPeriod(config.retryPeriod())
                .withReleaseOnCancel(true)
                .withLeaderCallbacks(new LeaderCallbacks(
                        () -> {
                            log.info("{} became the leader", config.identity());
                            leadership.setLeader(true);
                        },
                        () -> {
                            log.warn("{} lost leadership", config.identity());
                            leadership.setLeader(false);
                        },
                        newLeader -> {
                            leadership.observedLeader(newLeader);
                            log.info("leader is now {}", newLeader);
                        }))
                .build()).build().start();
        running.whenComplete((result, failure) -> {
            if (!closing) {
                log.warn("{} stopped competing for the lease ({}); competing again", config.identity(),
                        failure == null ? "leadership lost" : failure.toString());
                start();
            }
        });
    }

    @Override
    public void close() {
        closing = true;
        if (running != null) {
            running.cancel(true);
        }
        if (leadership.isLeader()) {
            leadership.setLeader(false);
        }
    }
}
