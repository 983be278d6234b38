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
 * at a time, and result projections run on the same thread, so no two writes to one claim ever race.
 */
public class ReconcileQueue implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ReconcileQueue.class);

    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "claim-reconciler");
        thread.setDaemon(true);
        return thread;
    });
    private final Set<String> waiting = ConcurrentHashMap.newKeySet();
    private final Duration retryDelay;
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
        } catch (RuntimeException e) {
            log.warn("reconcile of {} failed, retrying in {} ms: {}", key, retryDelay.toMillis(), e.toString());
            executor.schedule(() -> enqueue(key), retryDelay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
