package io.pvcresizer.watcher.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Claims spread over work threads: one claim's work never overlaps, different claims run side by side. */
class ReconcileQueueTest {

    private final ReconcileQueue queue = new ReconcileQueue(Duration.ofMillis(50), 4);

    @AfterEach
    void close() {
        queue.close();
    }

    @Test
    void shouldRunAClaimsReconcilesAndProjectionsOnOneThread() throws Exception {
        Map<String, String> threadOfKey = new ConcurrentHashMap<>();
        List<String> mismatches = new CopyOnWriteArrayList<>();
        AtomicInteger handled = new AtomicInteger();
        queue.onKey(key -> {
            String previous = threadOfKey.putIfAbsent(key, Thread.currentThread().getName());
            if (previous != null && !previous.equals(Thread.currentThread().getName())) {
                mismatches.add(key);
            }
            handled.incrementAndGet();
        });
        for (int i = 0; i < 40; i++) {
            queue.enqueue("apps/claim-" + i);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> handled.get() == 40);

        for (int i = 0; i < 40; i++) {
            String key = "apps/claim-" + i;
            String projectedOn = queue.runExclusively(key, () -> Thread.currentThread().getName());
            assertThat(projectedOn).as(key).isEqualTo(threadOfKey.get(key));
        }
        assertThat(mismatches).isEmpty();
        assertThat(new java.util.HashSet<>(threadOfKey.values())).as("40 claims spread over the 4 threads").hasSizeGreaterThan(1);
    }

    @Test
    void shouldWorkOnAnotherClaimWhileOneIsBusy() throws Exception {
        String busyKey = keyOn(0);
        String otherKey = keyOn(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch busy = new CountDownLatch(1);
        queue.onKey(key -> {
            if (key.equals(busyKey)) {
                busy.countDown();
                try {
                    release.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        queue.enqueue(busyKey);
        assertThat(busy.await(5, TimeUnit.SECONDS)).isTrue();

        String result = queue.runExclusively(otherKey, () -> "done while " + busyKey + " is busy");

        assertThat(result).isEqualTo("done while " + busyKey + " is busy");
        release.countDown();
    }

    @Test
    void shouldRetryAFailingClaimWithBackoff() {
        AtomicInteger attempts = new AtomicInteger();
        queue.onKey(key -> {
            if (attempts.incrementAndGet() < 3) {
                throw new IllegalStateException("API server unavailable");
            }
        });

        queue.enqueue("apps/flaky");

        await().atMost(Duration.ofSeconds(5)).until(() -> attempts.get() == 3);
    }

    @Test
    void shouldRefuseNoWorkers() {
        assertThatThrownBy(() -> new ReconcileQueue(Duration.ofSeconds(1), 0)).hasMessageContaining("at least 1");
    }

    /** A claim key whose work thread is {@code worker} of the 4. */
    private static String keyOn(int worker) {
        for (int i = 0; ; i++) {
            String key = "apps/claim-" + i;
            if (Math.floorMod(key.hashCode(), 4) == worker) {
                return key;
            }
        }
    }
}
