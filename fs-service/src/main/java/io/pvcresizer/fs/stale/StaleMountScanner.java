package io.pvcresizer.fs.stale;

import io.pvcresizer.common.events.EventHeader;
import io.pvcresizer.common.events.StaleMountDetected;
import io.pvcresizer.common.events.VolumeRef;
import io.pvcresizer.fs.mount.MountEntry;
import io.pvcresizer.fs.mount.MountTable;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the FUSE mounts of this node whose daemon is gone, reports each once per episode, and, when asked to,
 * remounts them.
 *
 * <p>Each {@link #scan()} stats every FUSE mount of the mount table ({@link MountProbe}). Of a healthy mount it
 * records the daemon's command line ({@link FuseDaemons}), once per mount; that is what a remount runs again. A
 * mount that fails with ENOTCONN is stale; one that does not answer in time is hung. A new stale or hung mount starts
 * an episode, which is counted, logged and published as a {@link StaleMountDetected} once; later scans that find it
 * the same say nothing more, and the episode ends when the mount answers again or is gone. A {@code
 * StaleMountDetected} that Kafka did not take is sent again at the next scan.
 *
 * <p>With recovery on, the stale mounts of one FUSE connection (a mount and its bind mounts share its device number)
 * are remounted by {@link MountRecovery}, once per episode, if they all lie under kubelet's root directory and the
 * daemon's command line is known. Hung mounts are never remounted: their daemon still runs.
 */
public class StaleMountScanner {

    private static final Logger log = LoggerFactory.getLogger(StaleMountScanner.class);
    private static final int RECENT = 20;
    private static final int MAX_UNPUBLISHED = 100;

    private final MountTable mountTable;
    private final MountProbe probe;
    private final FuseDaemons daemons;
    private final MountRecovery recovery;
    private final boolean recover;
    private final KubeletPaths kubelet;
    private final StaleMountPublisher publisher;
    private final StaleMountMetrics metrics;
    private final String nodeName;
    private final Clock clock;

    /** The daemon found for a mount (by mount id: a new mount at the same point is looked up anew), or none. */
    private final Map<Path, KnownDaemon> knownDaemons = new HashMap<>();
    private final Map<Path, Episode> episodes = new HashMap<>();
    private final Deque<StaleMountDetected> unpublished = new ArrayDeque<>();
    private final Deque<StaleMount> recentReports = new ArrayDeque<>();
    private volatile List<StaleMount> current = List.of();
    private volatile List<StaleMount> recent = List.of();
    private volatile Instant lastScan;

    private record KnownDaemon(int mountId, Optional<DaemonCommandLine> daemon) {
    }

    private record Episode(int mountId, MountState state, StaleMount report) {
    }

    /**
     * @param recovery remounts stale mounts
     * @param recover  whether it is used
     */
    public StaleMountScanner(MountTable mountTable, MountProbe probe, FuseDaemons daemons, MountRecovery recovery,
            boolean recover, KubeletPaths kubelet, StaleMountPublisher publisher, StaleMountMetrics metrics,
            String nodeName, Clock clock) {
        this.mountTable = Objects.requireNonNull(mountTable, "mountTable");
        this.probe = Objects.requireNonNull(probe, "probe");
        this.daemons = Objects.requireNonNull(daemons, "daemons");
        this.recovery = Objects.requireNonNull(recovery, "recovery");
        this.recover = recover;
        this.kubelet = Objects.requireNonNull(kubelet, "kubelet");
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.nodeName = Objects.requireNonNull(nodeName, "nodeName");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Whether a filesystem type is served by a FUSE daemon: {@code fuse}, {@code fuseblk} or {@code fuse.<subtype>}. */
    public static boolean isFuse(String fsType) {
        return fsType != null && (fsType.equals("fuse") || fsType.equals("fuseblk") || fsType.startsWith("fuse."));
    }

    /** The mounts stale or hung now (recovered ones are not), for health details. */
    public List<StaleMount> current() {
        return current;
    }

    /** The last reports, newest last, recovered or not, for health details. */
    public List<StaleMount> recent() {
        return recent;
    }

    /** When the last scan ran, or null before the first. */
    public Instant lastScan() {
        return lastScan;
    }

    /**
     * Checks every FUSE mount once, reports what newly went stale or hung, and remounts what may be remounted.
     *
     * @return the reports of this scan: mounts that went stale or hung since the last scan
     */
    public synchronized List<StaleMount> scan() {
        List<MountEntry> mounts;
        try {
            mounts = mountTable.mounts();
        } catch (RuntimeException e) {
            log.warn("stale mount scan skipped: {}", e.getMessage());
            return List.of();
        }
        // The last entry of a mount point is the one on top, the one a stat reaches.
        Map<Path, MountEntry> fuse = new LinkedHashMap<>();
        for (MountEntry entry : mounts) {
            if (isFuse(entry.fsType())) {
                fuse.remove(entry.mountPoint());
                fuse.put(entry.mountPoint(), entry);
            }
        }
        knownDaemons.keySet().retainAll(fuse.keySet());
        episodes.keySet().retainAll(fuse.keySet());

        Map<Path, MountProbe.Result> results = probe.probeAll(fuse.keySet());
        recordDaemonsOfHealthyMounts(fuse, results);

        List<MountEntry> fresh = new ArrayList<>();
        for (MountEntry entry : fuse.values()) {
            MountProbe.Result result = results.get(entry.mountPoint());
            Episode episode = episodes.get(entry.mountPoint());
            if (result.state() == MountState.HEALTHY) {
                if (episodes.remove(entry.mountPoint()) != null) {
                    log.info("{} mount {} answers again", entry.fsType(), entry.mountPoint());
                }
            } else if (result.state() == MountState.UNKNOWN) {
                log.debug("{} mount {} not judged: {}", entry.fsType(), entry.mountPoint(), result.detail());
            } else if (episode == null || episode.mountId() != entry.mountId() || episode.state() != result.state()) {
                fresh.add(entry);
            }
        }

        Map<Path, MountRecovery.Outcome> outcomes = recoverStale(fresh, results, fuse);
        List<StaleMount> reports = new ArrayList<>();
        for (MountEntry entry : fresh) {
            reports.add(report(entry, results.get(entry.mountPoint()), outcomes.get(entry.mountPoint()),
                    connectionDaemon(entry, fuse)));
        }
        for (int i = 0; i < fresh.size(); i++) {
            MountEntry entry = fresh.get(i);
            StaleMount report = reports.get(i);
            if (report.recovered()) {
                // The new mount may have the old one's id (ids are reused): look its daemon up anew.
                episodes.remove(entry.mountPoint());
                knownDaemons.remove(entry.mountPoint());
            } else {
                episodes.put(entry.mountPoint(), new Episode(entry.mountId(), report.state(), report));
            }
        }
        publishPending();

        current = episodes.values().stream().map(Episode::report)
                .sorted((a, b) -> a.mountPoint().compareTo(b.mountPoint())).toList();
        metrics.current((int) current.stream().filter(m -> m.state() == MountState.STALE).count(),
                (int) current.stream().filter(m -> m.state() == MountState.HUNG).count());
        lastScan = clock.instant();
        return reports;
    }

    /** Looks up the daemons of healthy mounts not yet looked up, in one pass over the process table. */
    private void recordDaemonsOfHealthyMounts(Map<Path, MountEntry> fuse, Map<Path, MountProbe.Result> results) {
        Map<Path, String> lookup = new HashMap<>();
        for (MountEntry entry : fuse.values()) {
            KnownDaemon known = knownDaemons.get(entry.mountPoint());
            if (results.get(entry.mountPoint()).state() == MountState.HEALTHY
                    && (known == null || known.mountId() != entry.mountId())) {
                lookup.put(entry.mountPoint(), entry.fsType());
            }
        }
        if (lookup.isEmpty()) {
            return;
        }
        Map<Path, DaemonCommandLine> found;
        try {
            found = daemons.find(lookup);
        } catch (RuntimeException e) {
            log.warn("cannot read the daemons of {} FUSE mounts: {}", lookup.size(), e.getMessage());
            return;
        }
        for (Path mountPoint : lookup.keySet()) {
            Optional<DaemonCommandLine> daemon = Optional.ofNullable(found.get(mountPoint));
            knownDaemons.put(mountPoint, new KnownDaemon(fuse.get(mountPoint).mountId(), daemon));
            daemon.ifPresent(d -> log.debug("{} mount {} is served by pid {}: {}", fuse.get(mountPoint).fsType(),
                    mountPoint, d.pid(), d.redacted()));
        }
    }

    /** The recorded daemon of this very mount, if one was found while it was healthy. */
    private Optional<DaemonCommandLine> daemonOf(MountEntry entry) {
        KnownDaemon known = knownDaemons.get(entry.mountPoint());
        return known == null || known.mountId() != entry.mountId() ? Optional.empty() : known.daemon();
    }

    /** The recorded daemon of the mount's FUSE connection: its own, or that of the mount it is a bind mount of. */
    private Optional<DaemonCommandLine> connectionDaemon(MountEntry entry, Map<Path, MountEntry> fuse) {
        return daemonOf(entry).or(() -> fuse.values().stream()
                .filter(other -> other.major() == entry.major() && other.minor() == entry.minor())
                .map(this::daemonOf).flatMap(Optional::stream).findFirst());
    }

    /**
     * Remounts the newly stale mounts, one FUSE connection at a time; the outcome of every fresh stale mount says
     * what was done or why nothing was.
     */
    private Map<Path, MountRecovery.Outcome> recoverStale(List<MountEntry> fresh, Map<Path, MountProbe.Result> results,
            Map<Path, MountEntry> fuse) {
        Map<String, List<MountEntry>> connections = new LinkedHashMap<>();
        for (MountEntry entry : fresh) {
            if (results.get(entry.mountPoint()).state() == MountState.STALE) {
                connections.computeIfAbsent(entry.major() + ":" + entry.minor(), k -> new ArrayList<>()).add(entry);
            }
        }
        Map<Path, MountRecovery.Outcome> outcomes = new HashMap<>();
        for (List<MountEntry> connection : connections.values()) {
            Optional<MountEntry> primary = connection.stream().filter(e -> daemonOf(e).isPresent()).findFirst();
            String refusal = null;
            if (!recover) {
                refusal = "recovery is off (pvc-resizer.fs.stale-mounts.recover)";
            } else if (primary.isEmpty()) {
                refusal = "the daemon's command line is unknown (this agent never saw the mount healthy with its daemon)";
            } else if (!connection.stream().allMatch(e -> kubelet.contains(e.mountPoint()))) {
                refusal = "only mounts under kubelet's root directory are remounted";
            }
            if (refusal != null) {
                for (MountEntry entry : connection) {
                    outcomes.put(entry.mountPoint(), new MountRecovery.Outcome(false, refusal));
                }
                continue;
            }
            MountEntry mount = primary.get();
            DaemonCommandLine daemon = daemonOf(mount).orElseThrow();
            List<MountEntry> binds = connection.stream().filter(e -> e != mount).toList();
            log.info("remounting {} mount {} (and {} bind mounts of it) with: {}", mount.fsType(), mount.mountPoint(),
                    binds.size(), daemon.redacted());
            outcomes.putAll(recovery.recover(mount, daemon, binds));
        }
        return outcomes;
    }

    /** Logs, counts and publishes one newly found stale or hung mount. */
    private StaleMount report(MountEntry entry, MountProbe.Result result, MountRecovery.Outcome outcome,
            Optional<DaemonCommandLine> daemon) {
        Path mountPoint = entry.mountPoint();
        KubeletPaths.Owner owner = kubelet.ownerOf(mountPoint);
        boolean recovered = outcome != null && outcome.recovered();
        String message = message(entry, result, outcome, daemon);
        StaleMount report = new StaleMount(mountPoint, entry.fsType(), result.state(), clock.instant(), owner.pvName(),
                owner.podUid(), recovered, message);
        log.warn("{}", message);
        metrics.detected(result.state(), recovered);
        recentReports.addLast(report);
        while (recentReports.size() > RECENT) {
            recentReports.removeFirst();
        }
        recent = List.copyOf(recentReports);
        StaleMountDetected event = new StaleMountDetected(
                new EventHeader(EventHeader.CURRENT_SCHEMA_VERSION, UUID.randomUUID(), "", clock.instant(),
                        new VolumeRef("", "", null, owner.pvName())),
                nodeName, mountPoint.toString(), entry.fsType(), owner.podUid(), recovered, message);
        unpublished.addLast(event);
        while (unpublished.size() > MAX_UNPUBLISHED) {
            StaleMountDetected dropped = unpublished.removeFirst();
            log.warn("dropped the unpublished report of {}: more than {} wait for Kafka", dropped.mountPoint(), MAX_UNPUBLISHED);
        }
        return report;
    }

    private String message(MountEntry entry, MountProbe.Result result, MountRecovery.Outcome outcome,
            Optional<DaemonCommandLine> daemon) {
        StringBuilder message = new StringBuilder(entry.fsType()).append(" mount ").append(entry.mountPoint());
        if (result.state() == MountState.HUNG) {
            return message.append(" does not answer: ").append(result.detail())
                    .append("; its daemon runs but gets")
                    .append(" no answer, from an unreachable cluster for example. Not recovered: a hung mount is never")
                    .append(" remounted.").toString();
        }
        message.append(" is stale: its FUSE daemon is gone (").append(MountProbe.NOT_CONNECTED).append(").");
        if (outcome != null && outcome.recovered()) {
            message.append(" Recovered: ").append(outcome.detail())
                    .append("; containers keep the dead mount until their pods are restarted.");
        } else {
            message.append(" Not recovered: ").append(outcome == null ? "not tried" : outcome.detail()).append('.');
        }
        if (daemon.isPresent() && daemon.get().programName().equals("ceph-fuse")) {
            message.append(" The dead ceph-fuse (pid ").append(daemon.get().pid()).append(") keeps its MDS session and")
                    .append(" capabilities until evicted: other clients of its files, the new mount included, wait until then (ceph tell")
                    .append(" mds.<name> client ls / client evict id=<id>).");
        }
        return message.toString();
    }

    /** Sends what Kafka has not taken yet, oldest first; stops at the first failure and tries again next scan. */
    private void publishPending() {
        while (!unpublished.isEmpty()) {
            StaleMountDetected event = unpublished.peekFirst();
            try {
                publisher.publish(event);
                unpublished.removeFirst();
            } catch (RuntimeException e) {
                log.warn("could not publish the report of {} ({} waiting); trying again at the next scan: {}",
                        event.mountPoint(), unpublished.size(), e.getMessage());
                return;
            }
        }
    }
}
