package io.pvcresizer.fs.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pvcresizer.common.events.FailureKind;
import io.pvcresizer.fs.metrics.ExpansionMetrics.Outcome;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Exposes the node agent's meters under the Prometheus names the dashboards and runbooks use. */
class ExpansionMetricsTest {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ExpansionMetrics metrics = new ExpansionMetrics(registry);

    @Test
    void shouldCountAndTimeExpansionsByFilesystemTypeAndOutcome() {
        metrics.recordAttempt("xfs", Outcome.EXPANDED, Duration.ofMillis(120));
        metrics.recordAttempt("xfs", Outcome.EXPANDED, Duration.ofMillis(80));
        metrics.recordAttempt("ext4", Outcome.of(FailureKind.INFEASIBLE), Duration.ofMillis(5));

        String scrape = registry.scrape();

        assertThat(scrape).contains("pvc_resizer_filesystem_expansions_total{fs_type=\"xfs\",outcome=\"expanded\"} 2.0");
        assertThat(scrape).contains("pvc_resizer_filesystem_expansions_total{fs_type=\"ext4\",outcome=\"infeasible\"} 1.0");
        assertThat(scrape).contains("pvc_resizer_filesystem_expansion_seconds_count{fs_type=\"xfs\",outcome=\"expanded\"} 2");
        assertThat(scrape).contains("pvc_resizer_filesystem_expansion_seconds_sum{fs_type=\"xfs\",outcome=\"expanded\"} 0.2");
    }

    @Test
    void shouldCountSkippedRequestsOfOtherNodes() {
        metrics.skippedOtherNode();

        assertThat(registry.scrape()).contains("pvc_resizer_node_requests_skipped_total 1.0");
    }

    @Test
    void shouldTagAnUnknownFilesystemTypeAsUnknown() {
        metrics.recordAttempt("", Outcome.RETRIES_EXHAUSTED, null);

        assertThat(registry.scrape())
                .contains("pvc_resizer_filesystem_expansions_total{fs_type=\"unknown\",outcome=\"retries_exhausted\"} 1.0")
                .doesNotContain("pvc_resizer_filesystem_expansion_seconds_count{fs_type=\"unknown\"");
    }
}
