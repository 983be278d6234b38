package io.pvcresizer.common.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/** The {@code kafka} health component follows a real broker: UP while it runs, DOWN with a reason while it is stopped. */
class KafkaHealthIndicatorIT {

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void shouldBeDownWithAReasonWhenNoBrokerAnswers() throws IOException {
        String servers = "localhost:" + freePort();
        try (KafkaHealthIndicator health = new KafkaHealthIndicator(servers, Duration.ofSeconds(2))) {
            Health down = health.health();

            assertThat(down.getStatus()).isEqualTo(Status.DOWN);
            assertThat(down.getDetails().get("reason")).isEqualTo("Kafka at " + servers + " did not answer within 2000 ms");
        }
    }

    @Test
    void shouldBeUpWhileTheBrokerRunsAndGoDownWhenItStops() {
        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 1);
        broker.afterPropertiesSet();
        String servers = broker.getBrokersAsString();
        try (KafkaHealthIndicator health = new KafkaHealthIndicator(servers, Duration.ofSeconds(2))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> health.health().getStatus().equals(Status.UP));
            assertThat(health.health().getDetails()).containsEntry("brokers", 1);

            broker.destroy();

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                Health down = health.health();
                assertThat(down.getStatus()).isEqualTo(Status.DOWN);
                assertThat(down.getDetails().get("reason")).isEqualTo("Kafka at " + servers + " did not answer within 2000 ms");
            });
        }
    }
}
