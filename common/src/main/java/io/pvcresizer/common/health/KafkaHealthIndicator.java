package io.pvcresizer.common.health;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Readiness of the Kafka connection: UP with the broker count when the cluster answers a metadata request within the
 * timeout, DOWN naming the bootstrap servers and the error when it does not.
 */
public class KafkaHealthIndicator implements HealthIndicator, AutoCloseable {

    private final String bootstrapServers;
    private final Duration timeout;
    private Admin admin;

    public KafkaHealthIndicator(String bootstrapServers, Duration timeout) {
        this.bootstrapServers = bootstrapServers;
        this.timeout = timeout;
    }

    private Admin admin() {
        if (admin == null) {
            admin = Admin.create(Map.of(
                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis(),
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis(),
                    AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000));
        }
        return admin;
    }

    @Override
    public synchronized Health health() {
        try {
            int brokers = admin().describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()))
                    .nodes().get(timeout.toMillis() + 500, TimeUnit.MILLISECONDS).size();
            return Health.up().withDetail("bootstrapServers", bootstrapServers).withDetail("brokers", brokers).build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return down("interrupted");
        } catch (Exception e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return down(cause.getClass().getSimpleName() + ": " + cause.getMessage());
        }
    }

    private Health down(String error) {
        // A fresh client for the next check, so that stale metadata never hides a broker that is back.
        close();
        return Health.down()
                .withDetail("reason", "Kafka at " + bootstrapServers + " did not answer within " + timeout.toMillis() + " ms")
                .withDetail("error", error)
                .build();
    }

    @Override
    public synchronized void close() {
        if (admin != null) {
            admin.close(Duration.ofMillis(200));
            admin = null;
        }
    }
}
