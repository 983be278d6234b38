package io.pvcresizer.watcher.reconcile;

import java.time.Duration;
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
 * The watcher's single work thread: claim keys are queued (a key already waiting is not queued twice) and handled one
 * at a time, and result projections run on the same thread, so no two writes to one claim ever race; a key whose
 * reconcile keeps failing is retried with exponential backoff (5 s doubling, at most 5 min).
 */
public class ReconcileQueue implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ReconcileQueue.class);

    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "claim-reconciler");
        thread.setDaemon(true);
        return thread;
    });
    private final Set<String> waiting = ConcurrentHashMap.newKeySet();
    private final java.util.Map<String, Integer> failures = new ConcurrentHashMap<>();
    private final Duration retryDelay;
    private final Duration maxRetryDelay = Duration.ofMinutes(5);
    private volatile Consumer<String> handler = key -> { };

    public ReconcileQueue(Duration retryDelay) {
        this.retryDelay = retryDelay;
    }

    /** Sets what is done with each key. */
    public void onKey(Consumer<String> handler) {
        this.handler = handler;
    }

    /** Queues the claim key unless it is already waiting. */
    public void enqueue(String key) {
        if (waiting.add(key)) {
            executor.execute(() -> handle(key));
        }
    }

    /** Runs {@code work} on the work thread and waits for it; its exception, if any, is rethrown. */
    public <T> T runExclusively(Callable<T> work) throws Exception {
        try {
            return executor.submit(work).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    private void handle(String key) {
        waiting.remove(key);
        try {
            handler.accept(key);
            failures.remove(key);
        } catch (RuntimeException e) {
            int failed = failures.merge(key, 1, Integer::sum);
            long delay = Math.min(maxRetryDelay.toMillis(), retryDelay.toMillis() << Math.min(failed - 1, 16));
            log.warn("reconcile of {} failed ({} in a row), retrying in {} ms: {}", key, failed, delay, e.toString());
            executor.schedule(() -> enqueue(key), delay, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
