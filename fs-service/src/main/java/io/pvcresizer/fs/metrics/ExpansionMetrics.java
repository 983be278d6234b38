package io.pvcresizer.fs.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.pvcresizer.common.events.FailureKind;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * The node agent's Micrometer meters: expansions by filesystem type and outcome
 * ({@code pvc_resizer_filesystem_expansions_total}), their duration ({@code pvc_resizer_filesystem_expansion_seconds})
 * and requests of other nodes skipped ({@code pvc_resizer_node_requests_skipped_total}).
 */
public class ExpansionMetrics {

    /** How an expansion attempt ended, as the {@code outcome} tag. */
    public enum Outcome {
        /** The filesystem grew. */
        EXPANDED,
        /** The filesystem already filled its device (a repeated request), or a block volume had nothing to grow. */
        ALREADY_EXPANDED,
        /** Failed transiently; the record is retried. */
        TRANSIENT_FAILURE,
        /** Failed for good; reported. */
        FINAL_FAILURE,
        /** Can never succeed as asked; reported. */
        INFEASIBLE,
        /** Transient failures outlasted the retries; reported and dead-lettered. */
        RETRIES_EXHAUSTED;

        /** The outcome of a failure of the given kind. */
        public static Outcome of(FailureKind kind) {
            return switch (kind) {
                case TRANSIENT -> TRANSIENT_FAILURE;
                case FINAL -> FINAL_FAILURE;
                case INFEASIBLE -> INFEASIBLE;
            };
        }

        /** The tag value: the name in lower case. */
        public String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    static final String EXPANSIONS = "pvc.resizer.filesystem.expansions";
    static final String EXPANSION_DURATION = "pvc.resizer.filesystem.expansion";
    static final String SKIPPED = "pvc.resizer.node.requests.skipped";

    private final MeterRegistry registry;
    private final Counter skipped;

    public ExpansionMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.skipped = Counter.builder(SKIPPED)
                .description("Node requests of other nodes that this node's agent read and skipped")
                .register(registry);
    }

    /** Counts an expansion attempt and, when it took a measurable time, records its duration. */
    public void recordAttempt(String fsType, Outcome outcome, Duration duration) {
        String fs = fsTypeLabel(fsType);
        Counter.builder(EXPANSIONS)
                .description("Filesystem expansion attempts on this node by filesystem type and outcome")
                .tag("fs_type", fs)
                .tag("outcome", outcome.tag())
                .register(registry)
                .increment();
        if (duration != null) {
            Timer.builder(EXPANSION_DURATION)
                    .description("Time to find and grow a filesystem on this node")
                    .tag("fs_type", fs)
                    .tag("outcome", outcome.tag())
                    .register(registry)
                    .record(duration);
        }
    }

    /** Counts a request of another node that was read and skipped. */
    public void skippedOtherNode() {
        skipped.increment();
    }

    /** A closed set of label values, so that no request can add a time series: unknown types count as {@code other}. */
    static String fsTypeLabel(String fsType) {
        if (fsType == null || fsType.isBlank()) {
            return "unknown";
        }
        String lower = fsType.strip().toLowerCase(java.util.Locale.ROOT);
        return FS_TYPE_LABELS.contains(lower) ? lower : "other";
    }

    private static final java.util.Set<String> FS_TYPE_LABELS =
            java.util.Set.of("xfs", "ext2", "ext3", "ext4", "btrfs", "block", "fuse.ceph-fuse", "ceph", "nfs", "nfs4");
}
