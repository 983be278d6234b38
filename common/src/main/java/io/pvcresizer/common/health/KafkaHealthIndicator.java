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
    private final Map<String, Object> clientProperties;
    private final Duration timeout;
    private Admin admin;

    /** A check with nothing but the bootstrap servers (a plaintext broker without authentication). */
    public KafkaHealthIndicator(String bootstrapServers, Duration timeout) {
        this(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), timeout);
    }

    /**
     * @param clientProperties the service's admin client properties (Spring Boot's {@code spring.kafka.*}: bootstrap
     *                         servers, {@code security.protocol}, SSL, SASL, any client property), so that the check
     *                         signs in as the service does
     */
    public KafkaHealthIndicator(Map<String, Object> clientProperties, Duration timeout) {
        this.clientProperties = Map.copyOf(clientProperties);
        Object servers = clientProperties.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
        this.bootstrapServers = servers instanceof java.util.Collection<?> list
                ? String.join(",", list.stream().map(String::valueOf).toList()) : String.valueOf(servers);
        this.timeout = timeout;
    }

    private Admin admin() {
        if (admin == null) {
            Map<String, Object> config = new java.util.HashMap<>(clientProperties);
            config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
            config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
            config.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
            admin = Admin.create(config);
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
            if (cause instanceof org.apache.kafka.common.errors.AuthenticationException
                    || cause instanceof org.apache.kafka.common.errors.AuthorizationException) {
                // Not a broker that is away: one that refuses these credentials. Say so plainly.
                close();
                return Health.down()
                        .withDetail("reason", "Kafka at " + bootstrapServers + " refused this service's credentials"
                                + " (check spring.kafka.security.protocol, spring.kafka.ssl.*, spring.kafka.properties.sasl.*)")
                        .withDetail("error", cause.getClass().getSimpleName() + ": " + cause.getMessage())
                        .build();
            }
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
