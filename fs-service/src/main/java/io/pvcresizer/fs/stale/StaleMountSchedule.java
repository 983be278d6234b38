package io.pvcresizer.fs.stale;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Runs {@link StaleMountScanner#scan()} every scan interval, a full interval after the previous scan ended, on a
 * thread of its own, from context start to context stop. A failing scan is logged and the next one runs as planned.
 */
public class StaleMountSchedule implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(StaleMountSchedule.class);

    private final StaleMountScanner scanner;
    private final Duration interval;
    private ScheduledExecutorService executor;

    public StaleMountSchedule(StaleMountScanner scanner, Duration interval) {
        this.scanner = Objects.requireNonNull(scanner, "scanner");
        this.interval = Objects.requireNonNull(interval, "interval");
    }

    @Override
    public synchronized void start() {
        if (executor != null) {
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "stale-mount-scan");
            thread.setDaemon(true);
            return thread;
        });
        executor.scheduleWithFixedDelay(this::scanOnce, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        log.info("scanning FUSE mounts for stale ones every {} s", interval.toSeconds());
    }

    private void scanOnce() {
        try {
            scanner.scan();
        } catch (RuntimeException e) {
            // An exception would end the schedule: log it, and scan again next time.
            log.error("stale mount scan failed", e);
        }
    }

    @Override
    public synchronized void stop() {
        if (executor == null) {
            return;
        }
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        executor = null;
    }

    @Override
    public synchronized boolean isRunning() {
        return executor != null;
    }
}
