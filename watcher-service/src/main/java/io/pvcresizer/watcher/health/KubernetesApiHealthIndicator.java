package io.pvcresizer.watcher.health;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.VersionInfo;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Readiness of the Kubernetes API server the watcher reads and writes: UP with the server's version when
 * {@code /version} answers, DOWN with the server's address and the error when it does not.
 */
public class KubernetesApiHealthIndicator implements HealthIndicator {

    private final KubernetesClient client;

    /** Uses a client of the same server with no request retries and short timeouts, so a check never hangs. */
    public KubernetesApiHealthIndicator(KubernetesClient client) {
        this.client = new io.fabric8.kubernetes.client.KubernetesClientBuilder().withConfig(
                new io.fabric8.kubernetes.client.ConfigBuilder(client.getConfiguration())
                        .withRequestRetryBackoffLimit(0).withConnectionTimeout(3000).withRequestTimeout(3000).build())
                .build();
    }

    @Override
    public Health health() {
        String server = client.getConfiguration().getMasterUrl();
        try {
            VersionInfo version = client.getKubernetesVersion();
            String shown = version == null ? null : version.getGitVersion() != null ? version.getGitVersion()
                    : version.getMajor() != null ? version.getMajor() + "." + version.getMinor() : null;
            return Health.up().withDetail("server", server).withDetail("version", shown == null ? "unknown" : shown).build();
        } catch (RuntimeException e) {
            return Health.down().withDetail("reason", "the Kubernetes API server at " + server + " did not answer")
                    .withDetail("error", e.getClass().getSimpleName() + ": " + e.getMessage()).build();
        }
    }
}
