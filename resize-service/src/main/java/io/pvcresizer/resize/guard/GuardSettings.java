package io.pvcresizer.resize.guard;

import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the guard around every backend call ({@code pvc-resizer.resize.guard.*}): defaults for all backends and
 * optional overrides per backend name.
 *
 * @param maxConcurrentCalls calls one backend may run at once; one more is refused as transient {@code BackendBusy}
 * @param maxWaitDuration    how long a call waits for a free slot before it is refused
 * @param retry              the quick in-place retry of transient failures
 * @param backends           backend name ({@code local-file}, {@code rbd}, {@code cephfs}) → what differs for it
 */
public record GuardSettings(
        @DefaultValue("4") int maxConcurrentCalls,
        @DefaultValue("0s") Duration maxWaitDuration,
        @DefaultValue Retry retry,
        @DefaultValue Map<String, Backend> backends) {

    public GuardSettings {
        backends = Map.copyOf(backends);
    }

    /** The limits of one backend: its overrides where set, the defaults otherwise. */
    public Limits limitsFor(String backend) {
        Backend own = backends.get(backend);
        if (own == null) {
            return new Limits(backend, maxConcurrentCalls, maxWaitDuration, retry.maxAttempts(), retry.waitDuration());
        }
        RetryOverride ownRetry = own.retry() == null ? new RetryOverride(null, null) : own.retry();
        return new Limits(backend,
                own.maxConcurrentCalls() == null ? maxConcurrentCalls : own.maxConcurrentCalls(),
                own.maxWaitDuration() == null ? maxWaitDuration : own.maxWaitDuration(),
                ownRetry.maxAttempts() == null ? retry.maxAttempts() : ownRetry.maxAttempts(),
                ownRetry.waitDuration() == null ? retry.waitDuration() : ownRetry.waitDuration());
    }

    /**
     * The in-place retry of transient failures.
     *
     * @param maxAttempts  calls in all, the first included ({@code 1}: no in-place retry)
     * @param waitDuration pause before each retry
     */
    public record Retry(@DefaultValue("2") int maxAttempts, @DefaultValue("500ms") Duration waitDuration) {
    }

    /** What differs for one backend; an unset value is taken from the defaults above. */
    public record Backend(Integer maxConcurrentCalls, Duration maxWaitDuration, RetryOverride retry) {
    }

    /** What differs in one backend's in-place retry; an unset value is taken from {@link Retry}. */
    public record RetryOverride(Integer maxAttempts, Duration waitDuration) {
    }

    /** The resolved limits of one backend, checked so that a bad value stops the service at start. */
    public record Limits(String backend, int maxConcurrentCalls, Duration maxWaitDuration, int maxAttempts, Duration retryWaitDuration) {

        public Limits {
            require(maxConcurrentCalls >= 1, backend, "max-concurrent-calls", "at least 1", maxConcurrentCalls);
            require(!maxWaitDuration.isNegative(), backend, "max-wait-duration", "not negative", maxWaitDuration);
            require(maxAttempts >= 1, backend, "retry.max-attempts", "at least 1", maxAttempts);
            require(!retryWaitDuration.isNegative(), backend, "retry.wait-duration", "not negative", retryWaitDuration);
        }

        private static void require(boolean valid, String backend, String key, String rule, Object value) {
            if (!valid) {
                throw new IllegalArgumentException("guard of backend " + backend + ": " + key + " must be " + rule
                        + ", got " + value + " (pvc-resizer.resize.guard." + key + " or pvc-resizer.resize.guard.backends."
                        + backend + "." + key + ")");
            }
        }
    }
}
