package io.pvcresizer.resize.ceph;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Health of the Ceph backends as seen by their circuit breakers: DOWN while any cluster's breaker is open (that
 * cluster failed repeatedly), with each cluster's breaker state and failure rate as details.
 */
public class CephHealthIndicator extends AbstractHealthIndicator {

    private final CircuitBreakerRegistry breakers;
    private final java.util.Set<String> clusters;

    public CephHealthIndicator(CircuitBreakerRegistry breakers, java.util.Set<String> clusters) {
        this.breakers = breakers;
        this.clusters = clusters;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        builder.up();
        for (String cluster : clusters) {
            CircuitBreaker breaker = breakers.circuitBreaker(CephCli.breakerName(cluster));
            CircuitBreaker.State state = breaker.getState();
            builder.withDetail(cluster, java.util.Map.of(
                    "circuitBreaker", state.name(),
                    "failureRate", breaker.getMetrics().getFailureRate()));
            if (state == CircuitBreaker.State.OPEN || state == CircuitBreaker.State.FORCED_OPEN) {
                builder.down();
            }
        }
    }
}
