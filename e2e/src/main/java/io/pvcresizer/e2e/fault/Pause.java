package io.pvcresizer.e2e.fault;

import java.time.Duration;
import java.time.Instant;

/** Waits of the suite's own clockwork (a fault held for its duration, a request raised on schedule), interruptible. */
final class Pause {

    private Pause() {
    }

    /** Waits for {@code duration}. */
    static void of(Duration duration) {
        until(Instant.now().plus(duration));
    }

    /** Waits until {@code when}; returns at once if it has passed. */
    static void until(Instant when) {
        long ms = Duration.between(Instant.now(), when).toMillis();
        if (ms > 0) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }
}
