package io.pvcresizer.watcher.metrics;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.pvcresizer.common.kubernetes.ResizeConditions;
import io.pvcresizer.watcher.detection.ClaimFacts;
import io.pvcresizer.watcher.informer.ClusterView;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The watcher's Micrometer meters: decisions taken, results projected, stage and end-to-end durations, and the
 * operations in flight by stage.
 */
public class WatcherMetrics {

    private final MeterRegistry registry;
    private final Map<String, Instant> started = new ConcurrentHashMap<>();

    public WatcherMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Registers the gauges of operations in flight, read from the informer cache at each scrape. */
    public void watch(ClusterView view) {
        for (String stage : List.of("controller", "node")) {
            Gauge.builder("pvc.resizer.operations.in.flight", view, v -> inFlight(v, stage))
                    .description("Resize operations under way, by stage").tag("stage", stage).register(registry);
        }
    }

    private static double inFlight(ClusterView view, String stage) {
        long count = 0;
        for (String key : view.claimKeys()) {
            int slash = key.indexOf('/');
            PersistentVolumeClaim pvc = view.claim(key.substring(0, slash), key.substring(slash + 1));
            String status = pvc == null ? null : ClaimFacts.of(pvc).resizeStatus();
            boolean controller = ResizeConditions.CONTROLLER_RESIZE_IN_PROGRESS.equals(status);
            boolean node = ResizeConditions.NODE_RESIZE_PENDING.equals(status) || ResizeConditions.NODE_RESIZE_IN_PROGRESS.equals(status);
            if ("controller".equals(stage) ? controller : node) {
                count++;
            }
        }
        return count;
    }

    /** Notes the start of an operation, for its end-to-end duration (best effort: not kept across a failover). */
    public void operationStarted(String operationId, Instant at) {
        started.putIfAbsent(operationId, at);
    }

    /** Records how long a stage took, from {@code since} to {@code now}. */
    public void stageCompleted(String stage, String outcome, Instant since, Instant now) {
        if (since != null && !since.isAfter(now)) {
            Timer.builder("pvc.resizer.stage.duration").description("Duration of a resize stage")
                    .tag("stage", stage).tag("outcome", outcome).publishPercentileHistogram()
                    .register(registry).record(Duration.between(since, now));
        }
    }

    /** Records the end-to-end duration of an operation this replica started, from PVC edit seen to done or failed. */
    public void operationEnded(String operationId, String outcome, Instant now) {
        Instant start = started.remove(operationId);
        if (start != null) {
            Timer.builder("pvc.resizer.resize.duration").description("PVC request seen to resize finished")
                    .tag("outcome", outcome).publishPercentileHistogram()
                    .register(registry).record(Duration.between(start, now));
        }
    }

    /** Counts one executed decision ({@code start_volume}, {@code refuse}, …). */
    public void decision(String decision, String reason) {
        Counter.builder("pvc.resizer.watcher.decisions")
                .description("Resize decisions the watcher acted on")
                .tag("decision", decision).tag("reason", reason == null ? "" : reason)
                .register(registry).increment();
    }

    /** Counts one result event taken from Kafka and whether it was applied or found stale. */
    public void result(String type, String outcome) {
        Counter.builder("pvc.resizer.watcher.results")
                .description("Result events projected onto PVCs and PVs")
                .tag("type", type).tag("outcome", outcome)
                .register(registry).increment();
    }
}
