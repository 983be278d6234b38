package io.pvcresizer.resize.guard;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.retry.Retry;
import io.pvcresizer.common.events.VolumeExpansionRequested;
import io.pvcresizer.common.failure.Reason;
import io.pvcresizer.common.failure.ResizeException;
import io.pvcresizer.resize.expansion.ExpansionResult;
import io.pvcresizer.resize.expansion.VolumeExpander;

/**
 * A backend behind its bulkhead, which refuses a call over the backend's limit as transient {@code BackendBusy},
 * and its retry, which tries a transient failure again in place while the call keeps its slot.
 */
public class GuardedVolumeExpander implements VolumeExpander {

    private final VolumeExpander backend;
    private final Bulkhead bulkhead;
    private final Retry retry;

    public GuardedVolumeExpander(VolumeExpander backend, Bulkhead bulkhead, Retry retry) {
        this.backend = backend;
        this.bulkhead = bulkhead;
        this.retry = retry;
    }

    @Override
    public String backend() {
        return backend.backend();
    }

    /**
     * Grows the volume through the backend, retrying transient failures in place.
     *
     * @throws ResizeException transient {@code BackendBusy} when the backend has no free slot, else the backend's
     *                         last failure
     */
    @Override
    public ExpansionResult expand(VolumeExpansionRequested request) {
        if (!bulkhead.tryAcquirePermission()) {
            throw new ResizeException(Reason.BACKEND_BUSY, "backend " + backend() + " is busy: all "
                    + bulkhead.getBulkheadConfig().getMaxConcurrentCalls() + " of its concurrent calls are in use"
                    + waited() + " (limit: pvc-resizer.resize.guard.max-concurrent-calls or pvc-resizer.resize.guard"
                    + ".backends." + backend() + ".max-concurrent-calls)", null);
        }
        try {
            return retry.executeSupplier(() -> backend.expand(request));
        } finally {
            bulkhead.onComplete();
        }
    }

    private String waited() {
        long millis = bulkhead.getBulkheadConfig().getMaxWaitDuration().toMillis();
        return millis == 0 ? "" : " after waiting " + millis + " ms";
    }
}
