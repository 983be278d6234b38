package io.pvcresizer.watcher.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * The {@code kubernetesApi} health component follows the API server: UP, DOWN with a reason while it is gone, UP again.
 * fabric8's mock server stands in for a {@code /version} that answers, then a server that is gone, then one back on
 * the same port, in milliseconds; the real API server's outage is {@code ApiServerOutageIT}.
 */
class KubernetesApiHealthIndicatorTest {

    private static void answerVersion(KubernetesMockServer server) {
        server.expect().get().withPath("/version").andReturn(200, "{\"major\":\"1\",\"minor\":\"32\",\"gitVersion\":\"v1.32.0\"}").always();
    }

    @Test
    void shouldGoDownWithAReasonWhileTheApiServerIsGoneAndUpWhenItReturns() throws Exception {
        KubernetesMockServer server = new KubernetesMockServer(false);
        server.init();
        answerVersion(server);
        int port = server.getPort();
        try (KubernetesClient client = server.createClient()) {
            KubernetesApiHealthIndicator health = new KubernetesApiHealthIndicator(client);
            assertThat(health.health().getStatus()).isEqualTo(Status.UP);

            server.destroy();
            Health down = health.health();
            assertThat(down.getStatus()).isEqualTo(Status.DOWN);
            assertThat(down.getDetails().get("reason")).asString()
                    .startsWith("the Kubernetes API server at ").endsWith(":" + port + "/ did not answer");

            server = new KubernetesMockServer(false);
            server.init(InetAddress.getByName("localhost"), port);
            answerVersion(server);
            assertThat(health.health().getStatus()).isEqualTo(Status.UP);
        } finally {
            server.destroy();
        }
    }
}
