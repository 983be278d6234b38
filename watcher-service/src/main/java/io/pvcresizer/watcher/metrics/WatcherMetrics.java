package io.pvcresizer.watcher.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** The watcher's Micrometer meters: decisions taken, results projected, refusals. */
public class WatcherMetrics {

    private final MeterRegistry registry;

    public WatcherMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Counts one executed decision ({@code start_volume}, {@code refuse}, …). */
    public void decision(String decision, String reason) {
        Counter.builder("pvc_resizer_watcher_decisions_total")
                .description("Resize decisions the watcher acted on")
                .tag("decision", decision).tag("reason", reason == null ? "" : reason)
                .register(registry).increment();
    }

    /** Counts one result event taken from Kafka and whether it was applied or found stale. */
    public void result(String type, String outcome) {
        Counter.builder("pvc_resizer_watcher_results_total")
                .description("Result events projected onto PVCs and PVs")
                .tag("type", type).tag("outcome", outcome)
                .register(registry).increment();
    }
}
