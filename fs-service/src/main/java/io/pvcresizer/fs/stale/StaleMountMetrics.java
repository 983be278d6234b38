package io.pvcresizer.fs.stale;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The meters of the stale mount scan: mounts stale or hung now ({@code pvc_resizer_stale_mounts{state}}) and stale
 * episodes found, by whether they were recovered ({@code pvc_resizer_stale_mounts_detected_total{recovered,state}}).
 */
public class StaleMountMetrics {

    static final String CURRENT = "pvc.resizer.stale.mounts";
    static final String DETECTED = "pvc.resizer.stale.mounts.detected";

    private final MeterRegistry registry;
    private final Map<MountState, AtomicInteger> current = Map.of(
            MountState.STALE, new AtomicInteger(), MountState.HUNG, new AtomicInteger());

    public StaleMountMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
        current.forEach((state, count) -> Gauge.builder(CURRENT, count, AtomicInteger::get)
                .description("FUSE mounts on this node that are stale (daemon gone) or hung (no answer) now")
                .tag("state", state.tag())
                .register(registry));
    }

    /** Sets the mounts stale and hung now. */
    public void current(int stale, int hung) {
        current.get(MountState.STALE).set(stale);
        current.get(MountState.HUNG).set(hung);
    }

    /** Counts one stale or hung episode, once, when it is found. */
    public void detected(MountState state, boolean recovered) {
        Counter.builder(DETECTED)
                .description("Stale or hung FUSE mounts found on this node, once per episode, by whether they were remounted")
                .tag("recovered", Boolean.toString(recovered))
                .tag("state", state.tag())
                .register(registry)
                .increment();
    }
}
