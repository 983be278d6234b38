package io.pvcresizer.watcher.health;

import io.pvcresizer.watcher.election.Leadership;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/** Shows this replica's part in leader election (leader or standby, and who leads); a standby is healthy too. */
public class LeaderElectionHealthIndicator implements HealthIndicator {

    private final Leadership leadership;
    private final String identity;

    public LeaderElectionHealthIndicator(Leadership leadership, String identity) {
        this.leadership = leadership;
        this.identity = identity;
    }

    @Override
    public Health health() {
        return Health.up()
                .withDetail("identity", identity)
                .withDetail("role", leadership.isLeader() ? "leader" : "standby")
                .withDetail("leader", leadership.currentLeader() == null ? "unknown" : leadership.currentLeader())
                .build();
    }
}
