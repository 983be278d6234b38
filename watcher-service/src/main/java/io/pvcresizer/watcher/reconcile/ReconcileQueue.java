package io.pvcresizer.watcher.reconcile;

import io.pvcresizer.common.failure.FailureHandling;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watcher's work threads: each claim key belongs to one of {@code workers} threads (by its hash), where its
 * reconciles and result projections run one at a time, so no two writes to one claim ever race while different claims
 * are worked on in parallel; a key already waiting is not queued twice, and a key whose reconcile keeps failing is
 * retried with exponential backoff (from {@code retryDelay}, doubling, at most 5 min) when {@link FailureHandling}
 * retries its failure, and dropped with an error line when it does not.
 */
public class ReconcileQueue implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ReconcileQueue.class);

    private final ScheduledExecutorService[] workers;
    private final Set<String> waiting = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> failures = new ConcurrentHashMap<>();
    private final Duration retryDelay;
    private final Duration maxRetryDelay = Duration.ofMinutes(5);
    private volatile Consumer<String> handler = key -> { };

    /** A queue with one work thread. */
    public ReconcileQueue(Duration retryDelay) {
        this(retryDelay, 1);
    }

    /** A queue with {@code workers} work threads. */
    public ReconcileQueue(Duration retryDelay, int workers) {
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be at least 1, not " + workers);
        }
        this.retryDelay = retryDelay;
        this.workers = new ScheduledExecutorService[workers];
        for (int i = 0; i < workers; i++) {
            String name = workers == 1 ? "claim-reconciler" : "claim-reconciler-" + i;
            this.workers[i] = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread thread = new Thread(r, name);
                thread.setDaemon(true);
                return thread;
            });
        }
    }

    /** Sets what is done with each key. */
    public void onKey(Consumer<String> handler) {
        this.handler = handler;
    }

    /** Queues the claim key unless it is already waiting. */
    public void enqueue(String key) {
        if (waiting.add(key)) {
            workerOf(key).execute(() -> handle(key));
        }
    }

    /** Runs {@code work} on the work thread of {@code key} and waits for it; its exception, if any, is rethrown. */
    public <T> T runExclusively(String key, Callable<T> work) throws Exception {
        try {
            return workerOf(key).submit(work).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    /** How many work threads there are. */
    public int workers() {
        return workers.length;
    }

    private ScheduledExecutorService workerOf(String key) {
        return workers[Math.floorMod(key.hashCode(), workers.length)];
    }

    private void handle(String key) {
        waiting.remove(key);
        try {
            handler.accept(key);
            failures.remove(key);
        } catch (RuntimeException e) {
            if (FailureHandling.of(e) != FailureHandling.RETRY) {
                // Retrying cannot help (a refusal, a rejected write, a claim gone); the next change of the claim or
                // the periodic resync brings it back.
                failures.remove(key);
                log.error("reconcile of {} failed and is not retried: {}", key, e.toString());
                return;
            }
            int failed = failures.merge(key, 1, Integer::sum);
            long delay = Math.min(maxRetryDelay.toMillis(), retryDelay.toMillis() << Math.min(failed - 1, 16));
            log.warn("reconcile of {} failed ({} in a row), retrying in {} ms: {}", key, failed, delay, e.toString());
            workerOf(key).schedule(() -> enqueue(key), delay, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void close() {
        for (ScheduledExecutorService worker : workers) {
            worker.shutdownNow();
        }
    }
}
