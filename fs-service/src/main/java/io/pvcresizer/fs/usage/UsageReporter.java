package io.pvcresizer.fs.usage;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.pvcresizer.common.command.Command;
import io.pvcresizer.common.command.CommandNotFoundException;
import io.pvcresizer.common.command.CommandResult;
import io.pvcresizer.common.command.CommandRunner;
import io.pvcresizer.common.command.CommandTimeoutException;
import io.pvcresizer.common.events.EventHeader;
import io.pvcresizer.common.events.VolumeRef;
import io.pvcresizer.common.events.VolumeUsageReported;
import io.pvcresizer.fs.mount.MountTable;
import io.pvcresizer.fs.mount.PodVolumeMount;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports how full every PV mounted for a pod on this node is: one pass reads the mount table, measures each volume
 * once with {@code df} (through the command runner, with a short timeout) and publishes a {@link VolumeUsageReported}
 * per volume.
 *
 * <p>A mount whose {@code df} fails or times out is skipped and logged once, until it answers again. After a timeout the
 * mount is left out of the next 1, 3, 7, 15 and then 31 passes: a {@code df} stuck on a FUSE mount whose daemon no
 * longer answers may not even die when it is killed, and a new one every pass would pile up.
 *
 * <p>All reports of one pass share an {@code operationId} ({@code usage-<uuid>}); they belong to no resize.
 */
public class UsageReporter {

    private static final Logger log = LoggerFactory.getLogger(UsageReporter.class);

    static final String REPORTS = "pvc.resizer.volume.usage.reports";
    static final String SKIPPED = "pvc.resizer.volume.usage.skipped";
    /** At most this many passes leave out a mount that keeps timing out. */
    static final int MAX_PASSES_LEFT_OUT = 31;

    private final String nodeName;
    private final Path kubeletRoot;
    private final MountTable mountTable;
    private final CommandRunner runner;
    private final Duration commandTimeout;
    private final UsagePublisher publisher;
    private final MeterRegistry registry;
    private final Counter reports;
    /** Mounts whose last measurement failed, by mount point; touched by the reporting thread only. */
    private final Map<Path, Trouble> troubled = new HashMap<>();
    private final AtomicBoolean publishFailing = new AtomicBoolean();
    private boolean mountTableFailing;

    public UsageReporter(String nodeName, Path kubeletRoot, MountTable mountTable, CommandRunner runner,
            Duration commandTimeout, UsagePublisher publisher, MeterRegistry registry) {
        this.nodeName = Objects.requireNonNull(nodeName, "nodeName");
        this.kubeletRoot = kubeletRoot.toAbsolutePath().normalize();
        this.mountTable = Objects.requireNonNull(mountTable, "mountTable");
        this.runner = Objects.requireNonNull(runner, "runner");
        this.commandTimeout = Objects.requireNonNull(commandTimeout, "commandTimeout");
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.reports = Counter.builder(REPORTS)
                .description("Volume usage reports acknowledged by Kafka")
                .register(registry);
    }

    /**
     * One pass over the volumes mounted for pods on this node.
     *
     * @return how many reports were handed to the publisher
     */
    public int reportOnce() {
        List<PodVolumeMount> volumes;
        try {
            volumes = PodVolumeMount.onePerVolume(kubeletRoot, mountTable.mounts());
        } catch (RuntimeException e) {
            if (!mountTableFailing) {
                mountTableFailing = true;
                log.warn("cannot read the mount table, no usage reports until it can be read: {}", e.getMessage());
            }
            return 0;
        }
        if (mountTableFailing) {
            mountTableFailing = false;
            log.info("the mount table can be read again: usage reports resume");
        }
        forgetVanished(volumes);
        String operationId = "usage-" + UUID.randomUUID();
        int published = 0;
        for (PodVolumeMount volume : volumes) {
            Optional<FilesystemUsage> usage = measure(volume);
            if (usage.isPresent()) {
                publish(report(operationId, volume, usage.get()));
                published++;
            }
        }
        return published;
    }

    private VolumeUsageReported report(String operationId, PodVolumeMount volume, FilesystemUsage usage) {
        VolumeRef pv = new VolumeRef("", "", null, volume.pvName());
        return new VolumeUsageReported(EventHeader.next(operationId, pv), nodeName, volume.podUid(), usage.totalBytes(),
                usage.usedBytes(), usage.totalInodes(), usage.usedInodes());
    }

    private Optional<FilesystemUsage> measure(PodVolumeMount volume) {
        Path point = volume.mountPoint();
        Trouble trouble = troubled.get(point);
        if (trouble != null && trouble.passesLeftOut > 0) {
            trouble.passesLeftOut--;
            skipped("hung");
            return Optional.empty();
        }
        List<String> argv = new ArrayList<>(FilesystemUsage.DF_ARGUMENTS);
        argv.add(point.toString());
        CommandResult result;
        try {
            result = runner.run(new Command(argv, commandTimeout, Set.of()));
        } catch (CommandTimeoutException e) {
            timedOut(volume);
            return Optional.empty();
        } catch (CommandNotFoundException e) {
            failed(volume, "df_failed", e.getMessage());
            return Optional.empty();
        }
        if (!result.succeeded()) {
            failed(volume, "df_failed", "df exited " + result.exitCode() + ": " + result.stderr().strip());
            return Optional.empty();
        }
        FilesystemUsage usage;
        try {
            usage = FilesystemUsage.parseDf(result.stdout());
        } catch (IllegalArgumentException e) {
            failed(volume, "unparsable", e.getMessage());
            return Optional.empty();
        }
        if (troubled.remove(point) != null) {
            log.info("df answers again on {} (pv {}): its usage is reported again", point, volume.pvName());
        }
        return Optional.of(usage);
    }

    private void timedOut(PodVolumeMount volume) {
        Trouble trouble = troubled.get(volume.mountPoint());
        boolean first = trouble == null;
        if (first) {
            trouble = new Trouble();
            troubled.put(volume.mountPoint(), trouble);
        }
        trouble.timeouts++;
        trouble.passesLeftOut = Math.min((1 << Math.min(trouble.timeouts, 5)) - 1, MAX_PASSES_LEFT_OUT);
        skipped("timeout");
        if (first) {
            log.warn("df on {} (pv {}) did not answer within {} ms (a hung mount?): its usage is not reported until it "
                            + "answers; it is tried again after fewer than {} passes each time", volume.mountPoint(),
                    volume.pvName(), commandTimeout.toMillis(), MAX_PASSES_LEFT_OUT + 1);
        } else {
            log.debug("df on {} timed out again ({} times), left out of the next {} passes", volume.mountPoint(),
                    trouble.timeouts, trouble.passesLeftOut);
        }
    }

    private void failed(PodVolumeMount volume, String reason, String message) {
        Trouble trouble = troubled.get(volume.mountPoint());
        skipped(reason);
        if (trouble == null) {
            troubled.put(volume.mountPoint(), new Trouble());
            log.warn("cannot measure {} (pv {}): its usage is not reported until it can ({}): {}", volume.mountPoint(),
                    volume.pvName(), reason, message);
        } else {
            trouble.timeouts = 0;
            trouble.passesLeftOut = 0;
            log.debug("still cannot measure {} ({}): {}", volume.mountPoint(), reason, message);
        }
    }

    private void publish(VolumeUsageReported report) {
        CompletableFuture<?> sent;
        try {
            sent = publisher.publish(report);
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        sent.whenComplete((ok, failure) -> {
            if (failure == null) {
                reports.increment();
                if (publishFailing.compareAndSet(true, false)) {
                    log.info("usage reports reach Kafka again");
                }
            } else {
                skipped("not_published");
                if (publishFailing.compareAndSet(false, true)) {
                    log.warn("usage report of pv {} not published (later failures are logged at debug until one "
                            + "succeeds): {}", report.header().volume().pvName(), failure.toString());
                } else {
                    log.debug("usage report of pv {} not published: {}", report.header().volume().pvName(),
                            failure.toString());
                }
            }
        });
    }

    private void forgetVanished(List<PodVolumeMount> volumes) {
        Set<Path> present = new HashSet<>();
        volumes.forEach(volume -> present.add(volume.mountPoint()));
        troubled.keySet().retainAll(present);
    }

    private void skipped(String reason) {
        Counter.builder(SKIPPED)
                .description("Volumes whose usage was not reported in a pass, by reason")
                .tag("reason", reason)
                .register(registry)
                .increment();
    }

    /** What is known of a mount whose measurement failed. */
    private static final class Trouble {
        private int timeouts;
        private int passesLeftOut;
    }
}
