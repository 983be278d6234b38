package io.pvcresizer.tools.faultsuite;

import io.pvcresizer.testkit.Pause;
import java.time.Duration;
import java.time.Instant;

/** Breaks the stage in the way a {@link Fault} names, restores it as an operator or kubelet would, and says what happened. */
public final class FaultInjector {

    /** How long kube-apiserver and etcd stay stopped. */
    static final Duration API_SERVER_DOWNTIME = Duration.ofSeconds(20);

    private final FaultStage stage;
    private final Duration restartDelay;
    private final Duration brokerDowntime;
    private final Duration outage;

    /**
     * @param restartDelay   how long a killed service stays down before it is started again (kubelet's restart)
     * @param brokerDowntime how long the broker stays stopped
     * @param outage         how long the backend stays read-only; longer than the retries, so they run out
     */
    public FaultInjector(FaultStage stage, Duration restartDelay, Duration brokerDowntime, Duration outage) {
        this.stage = stage;
        this.restartDelay = restartDelay;
        this.brokerDowntime = brokerDowntime;
        this.outage = outage;
    }

    /** Injects {@code fault} now and returns once the stage is whole again, with a line on what was done. */
    public String inject(Fault fault) {
        Instant start = Instant.now();
        switch (fault) {
            case NONE:
            case DUPLICATES_AND_REPLAY:
                return "";
            case KILL_RESIZE_SERVICE:
                stage.killResizeService();
                Pause.of(restartDelay);
                stage.restartResizeService();
                return "down " + seconds(start) + " until live again";
            case KILL_FS_SERVICE:
                stage.killFsService();
                Pause.of(restartDelay);
                stage.restartFsService();
                return "down " + seconds(start) + " until live again";
            case KILL_WATCHER_LEADER: {
                String killed = stage.killLeader();
                Instant deadline = Instant.now().plus(Duration.ofMinutes(1));
                String leader = stage.leader();
                while ((leader == null || leader.equals(killed)) && Instant.now().isBefore(deadline)) {
                    Pause.of(Duration.ofMillis(100));
                    leader = stage.leader();
                }
                String tookOver = seconds(start);
                stage.restartWatcher(killed);
                return killed + " killed; " + leader + " held the Lease after " + tookOver;
            }
            case BROKER_RESTART:
                stage.stopBroker();
                String stopped = seconds(start);
                Pause.of(brokerDowntime);
                stage.startBroker();
                return "stopped in " + stopped + ", listening again after " + seconds(start);
            case API_SERVER_OUTAGE: {
                stage.cluster().kube().pause();
                String down = seconds(start);
                Pause.of(API_SERVER_DOWNTIME);
                stage.cluster().kube().resume();
                return "stopped in " + down + ", answering /readyz again after " + seconds(start);
            }
            case BACKEND_OUTAGE:
                stage.backendReadOnly(true);
                Pause.of(outage);
                stage.backendReadOnly(false);
                return "image directory read-only for " + seconds(start);
            case POISON_RECORDS: {
                int sent = 0;
                for (PoisonRecords.Poison poison : PoisonRecords.all(FaultStage.NODE)) {
                    stage.sendRaw(poison.topic(), poison.key(), poison.value());
                    sent++;
                }
                return sent + " poison records sent to 4 topics";
            }
            default:
                throw new IllegalArgumentException("unknown fault " + fault);
        }
    }

    private static String seconds(Instant since) {
        return String.format(java.util.Locale.ROOT, "%.1f s", Duration.between(since, Instant.now()).toMillis() / 1000.0);
    }

}
