package io.pvcresizer.resize.expansion;

import io.pvcresizer.common.events.FailureKind;
import io.pvcresizer.common.events.VolumeExpansionRequested;
import io.pvcresizer.common.failure.Reason;
import io.pvcresizer.common.failure.ResizeException;
import io.pvcresizer.common.text.BoundedText;
import io.pvcresizer.resize.expansion.ExpansionMetrics.Outcome;
import java.time.Duration;

/**
 * Carries out one volume expansion request: checks the target, hands it to the backend of the volume's driver,
 * checks what the backend reports and counts the outcome.
 */
public class VolumeExpansionHandler {

    private final ExpanderRegistry registry;
    private final ExpansionMetrics metrics;
    private final java.util.function.ToLongFunction<String> maxTargetOfBackend;

    /** A handler that puts no upper bound on the target. */
    public VolumeExpansionHandler(ExpanderRegistry registry, ExpansionMetrics metrics) {
        this(registry, metrics, backend -> Long.MAX_VALUE);
    }

    /** @param maxTargetOfBackend the largest target each backend may be asked for (a forged request asks for exabytes) */
    public VolumeExpansionHandler(ExpanderRegistry registry, ExpansionMetrics metrics,
            java.util.function.ToLongFunction<String> maxTargetOfBackend) {
        this.registry = registry;
        this.metrics = metrics;
        this.maxTargetOfBackend = maxTargetOfBackend;
    }

    /**
     * Grows the requested volume to at least its target size.
     *
     * @return what the backend reports
     * @throws ResizeException when the volume could not be grown; its kind says whether to retry
     */
    public ExpansionResult expand(VolumeExpansionRequested request) {
        VolumeExpander expander;
        try {
            expander = registry.expanderFor(request);
        } catch (ResizeException e) {
            metrics.refused(ExpansionMetrics.NO_BACKEND, Outcome.of(e.kind()));
            throw e;
        }
        String backend = expander.backend();
        if (request.targetBytes() <= 0) {
            metrics.refused(backend, Outcome.INFEASIBLE);
            throw new ResizeException(Reason.INVALID_SIZE,
                    "target size " + request.targetBytes() + " bytes (" + request.targetQuantity() + ") is not positive");
        }
        long maxTarget = maxTargetOfBackend.applyAsLong(backend);
        if (request.targetBytes() > maxTarget) {
            metrics.refused(backend, Outcome.INFEASIBLE);
            throw new ResizeException(Reason.TARGET_TOO_LARGE, "target size " + request.targetBytes() + " bytes ("
                    + BoundedText.truncate(request.targetQuantity(), 40) + ") is above the largest size backend " + backend
                    + " is allowed to grow a volume to, " + maxTarget + " bytes (pvc-resizer.resize.max-target)");
        }
        long start = System.nanoTime();
        try {
            ExpansionResult result = expander.expand(request);
            if (result.newSizeBytes() < request.targetBytes()) {
                throw new ResizeException(Reason.SIZE_BELOW_TARGET, "backend " + backend + " reports "
                        + result.newSizeBytes() + " bytes after growing, less than the target "
                        + request.targetBytes() + " bytes");
            }
            metrics.attempted(backend, result.alreadyAtSize() ? Outcome.ALREADY_AT_SIZE : Outcome.EXPANDED,
                    since(start));
            return result;
        } catch (ResizeException e) {
            metrics.attempted(backend, Outcome.of(e.kind()), since(start));
            throw e;
        } catch (RuntimeException e) {
            // Unclassified failures are retried by the error handler, so they count as transient.
            metrics.attempted(backend, Outcome.of(FailureKind.TRANSIENT), since(start));
            throw e;
        }
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}
