package io.pvcresizer.fs.usage;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Runs a usage pass every interval on a thread of its own, from the start of the application to its stop, so that a
 * slow pass never holds up the request listener or any other scheduled work.
 */
public class UsageReportSchedule implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(UsageReportSchedule.class);

    private final UsageReporter reporter;
    private final Duration interval;
    private final boolean enabled;
    private volatile ScheduledExecutorService executor;

    public UsageReportSchedule(UsageReporter reporter, Duration interval, boolean enabled) {
        this.reporter = Objects.requireNonNull(reporter, "reporter");
        this.interval = Objects.requireNonNull(interval, "interval");
        this.enabled = enabled;
    }

    @Override
    public synchronized void start() {
        if (!enabled) {
            log.info("volume usage reports are off (pvc-resizer.fs.usage.enabled=false)");
            return;
        }
        if (executor != null) {
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "volume-usage");
            thread.setDaemon(true);
            return thread;
        });
        executor.scheduleWithFixedDelay(this::pass, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        log.info("reporting volume usage every {} s", interval.toSeconds());
    }

    /** One pass; a failure must not end the schedule (an exception would cancel every later run). */
    private void pass() {
        try {
            reporter.reportOnce();
        } catch (RuntimeException e) {
            log.warn("volume usage pass failed: {}", e.toString());
        }
    }

    @Override
    public synchronized void stop() {
        if (executor != null) {
            executor.shutdownNow();
            executor = null;
        }
    }

    @Override
    public boolean isRunning() {
        return executor != null;
    }
}
