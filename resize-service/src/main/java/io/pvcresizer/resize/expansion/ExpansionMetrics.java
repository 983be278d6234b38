package io.pvcresizer.resize.expansion;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.pvcresizer.common.events.FailureKind;
import java.time.Duration;
import java.util.Collection;
import java.util.Locale;

/**
 * Counts volume expansion attempts per backend and outcome and times the backend calls; exposed to Prometheus as
 * {@code pvc_resizer_volume_expansions_total} and {@code pvc_resizer_volume_expansion_seconds}.
 */
public class ExpansionMetrics {

    /** Micrometer name of the attempt counter; Prometheus adds {@code _total}. */
    public static final String EXPANSIONS = "pvc.resizer.volume.expansions";
    /** Micrometer name of the backend call timer; Prometheus adds {@code _seconds}. */
    public static final String EXPANSION_DURATION = "pvc.resizer.volume.expansion";
    /** The backend tag of attempts refused before a backend was chosen (no backend for the driver). */
    public static final String NO_BACKEND = "none";

    /** How one expansion attempt ended; the value of the {@code outcome} tag. */
    public enum Outcome {
        EXPANDED, ALREADY_AT_SIZE, FAILED_TRANSIENT, FAILED_FINAL, INFEASIBLE;

        /** The tag value, e.g. {@code already_at_size}. */
        public String tag() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** The outcome of a failure of the given kind. */
        public static Outcome of(FailureKind kind) {
            return switch (kind) {
                case TRANSIENT -> FAILED_TRANSIENT;
                case FINAL -> FAILED_FINAL;
                case INFEASIBLE -> INFEASIBLE;
            };
        }
    }

    private final MeterRegistry registry;

    /** Registers every counter of the given backends at zero, so that rates exist before the first resize. */
    public ExpansionMetrics(MeterRegistry registry, Collection<String> backends) {
        this.registry = registry;
        for (String backend : backends) {
            for (Outcome outcome : Outcome.values()) {
                counter(backend, outcome);
            }
            timer(backend);
        }
        counter(NO_BACKEND, Outcome.INFEASIBLE);
    }

    /** Counts an attempt that was refused before reaching a backend. */
    public void refused(String backend, Outcome outcome) {
        counter(backend, outcome).increment();
    }

    /** Counts an attempt that called the backend and records how long the call took. */
    public void attempted(String backend, Outcome outcome, Duration duration) {
        counter(backend, outcome).increment();
        timer(backend).record(duration);
    }

    private Counter counter(String backend, Outcome outcome) {
        return Counter.builder(EXPANSIONS)
                .description("Volume expansion attempts in the storage backend, by outcome")
                .tag("backend", backend)
                .tag("outcome", outcome.tag())
                .register(registry);
    }

    private Timer timer(String backend) {
        return Timer.builder(EXPANSION_DURATION)
                .description("Time the storage backend took to grow a volume (or find it grown)")
                .tag("backend", backend)
                .register(registry);
    }
}
