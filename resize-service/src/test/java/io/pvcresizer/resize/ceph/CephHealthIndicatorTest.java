package io.pvcresizer.resize.ceph;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/** The {@code ceph} health component is DOWN while a cluster's circuit breaker is open and UP when it closes again. */
class CephHealthIndicatorTest {

    @Test
    void shouldBeDownWhileACephClusterBreakerIsOpenAndUpWhenItCloses() {
        CircuitBreakerRegistry breakers = CephFixtures.breakers();
        CephHealthIndicator health = new CephHealthIndicator(breakers, Set.of("east", "west"));
        CircuitBreaker west = breakers.circuitBreaker(CephCli.breakerName("west"));
        assertThat(health.health().getStatus()).isEqualTo(Status.UP);

        west.transitionToOpenState();
        Health down = health.health();

        assertThat(down.getStatus()).isEqualTo(Status.DOWN);
        assertThat(down.getDetails().get("west")).isEqualTo(Map.of("circuitBreaker", "OPEN", "failureRate", -1.0f));
        assertThat(down.getDetails().get("east")).asString().contains("circuitBreaker=CLOSED");

        west.transitionToHalfOpenState();
        west.transitionToClosedState();
        assertThat(health.health().getStatus()).isEqualTo(Status.UP);
    }
}
