package io.pvcresizer.testkit;

import java.time.Duration;
import java.time.Instant;

/** Waits of the suite's own clockwork (a fault held for its duration, a request raised on schedule), interruptible. */
public final class Pause {

    private Pause() {
    }

    /** Waits for {@code duration}. */
    public static void of(Duration duration) {
        until(Instant.now().plus(duration));
    }

    /** Waits until {@code when}; returns at once if it has passed. */
    public static void until(Instant when) {
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
