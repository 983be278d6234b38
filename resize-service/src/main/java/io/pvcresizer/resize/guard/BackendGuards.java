package io.pvcresizer.resize.guard;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.pvcresizer.common.failure.FailureHandling;
import io.pvcresizer.common.failure.ResizeException;
import io.pvcresizer.resize.expansion.VolumeExpander;
import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds one resilience4j bulkhead and one retry per backend, named after the backend, and wraps each backend's
 * {@link VolumeExpander} in them.
 */
public class BackendGuards {

    private static final Logger log = LoggerFactory.getLogger(BackendGuards.class);

    private final GuardSettings settings;
    private final BulkheadRegistry bulkheads = BulkheadRegistry.ofDefaults();
    private final RetryRegistry retries = RetryRegistry.ofDefaults();

    /**
     * Creates the bulkhead and retry of every backend now, so that their metrics exist before the first resize and a
     * bad setting stops the service at start.
     *
     * @param backends the names of the available backends
     * @throws IllegalArgumentException when a value is out of range or an override names no available backend
     */
    public BackendGuards(GuardSettings settings, Collection<String> backends) {
        this.settings = settings;
        Set<String> known = new TreeSet<>(backends);
        for (String overridden : settings.backends().keySet()) {
            if (!known.contains(overridden)) {
                throw new IllegalArgumentException("pvc-resizer.resize.guard.backends." + overridden
                        + " names no backend; known backends: " + known);
            }
        }
        known.forEach(this::bulkhead);
        known.forEach(this::retry);
    }

    /** The given backend behind its bulkhead and in-place retry. */
    public VolumeExpander guard(VolumeExpander expander) {
        return new GuardedVolumeExpander(expander, bulkhead(expander.backend()), retry(expander.backend()));
    }

    /** The bulkheads, one per backend, for metrics. */
    public BulkheadRegistry bulkheads() {
        return bulkheads;
    }

    /** The retries, one per backend, for metrics. */
    public RetryRegistry retries() {
        return retries;
    }

    private Bulkhead bulkhead(String backend) {
        GuardSettings.Limits limits = settings.limitsFor(backend);
        return bulkheads.bulkhead(backend, BulkheadConfig.custom()
                .maxConcurrentCalls(limits.maxConcurrentCalls())
                .maxWaitDuration(limits.maxWaitDuration())
                .build());
    }

    private Retry retry(String backend) {
        GuardSettings.Limits limits = settings.limitsFor(backend);
        boolean created = retries.find(backend).isEmpty();
        Retry retry = retries.retry(backend, RetryConfig.custom()
                .maxAttempts(limits.maxAttempts())
                .waitDuration(limits.retryWaitDuration())
                .retryOnException(BackendGuards::isTransient)
                .build());
        if (created) {
            retry.getEventPublisher().onRetry(event -> log.warn(
                    "backend {} failed transiently ({}), retrying in place in {} ms (retry {} of {}): {}", backend,
                    reasonOf(event.getLastThrowable()), event.getWaitInterval().toMillis(),
                    event.getNumberOfRetryAttempts(), limits.maxAttempts() - 1,
                    event.getLastThrowable() == null ? "" : event.getLastThrowable().getMessage()));
        }
        return retry;
    }

    /** Only classified failures that {@link FailureHandling} retries are retried in place; unclassified ones are not. */
    static boolean isTransient(Throwable failure) {
        return failure instanceof ResizeException resize && FailureHandling.of(resize.kind()) == FailureHandling.RETRY;
    }

    private static String reasonOf(Throwable failure) {
        return failure instanceof ResizeException resize ? resize.reason() : String.valueOf(failure);
    }
}
