package io.pvcresizer.fs.stale;

import io.pvcresizer.common.command.Command;
import io.pvcresizer.common.command.CommandNotFoundException;
import io.pvcresizer.common.command.CommandResult;
import io.pvcresizer.common.command.CommandRunner;
import io.pvcresizer.common.command.CommandTimeoutException;
import io.pvcresizer.fs.mount.MountEntry;
import io.pvcresizer.fs.mount.MountTable;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Brings back the stale mounts of one FUSE connection, as the runbook does by hand: detaches the bind mounts of the
 * dead mount, then the mount itself ({@code umount -l}, else {@code fusermount -uz}); starts its daemon again with the
 * command line it had, detached from this process ({@link DaemonLauncher}); waits, bounded, until a new mount at that
 * point answers {@code stat}; and binds the detached bind mounts to it again.
 *
 * <p>It does not evict the dead client's session from its server (for ceph-fuse: the MDS keeps the dead session's
 * capabilities until it is evicted or times out, and other clients of the same files wait until then), and it cannot
 * reach the copies of the dead mount inside running containers: their pods must be restarted.
 */
public class MountRecovery {

    private static final Duration POLL = Duration.ofMillis(250);

    /** Pauses between checks; {@code Thread::sleep} in production, a clock that moves in tests. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    /**
     * What became of one mount point.
     *
     * @param recovered whether it answers again
     * @param detail    what was done, or what failed, in words for the event
     */
    public record Outcome(boolean recovered, String detail) {
    }

    private final CommandRunner runner;
    private final MountProbe probe;
    private final DaemonLauncher launcher;
    private final MountTable mountTable;
    private final Duration commandTimeout;
    private final Duration remountTimeout;
    private final Clock clock;
    private final Sleeper sleeper;

    /**
     * @param commandTimeout how long {@code umount}, {@code fusermount} and {@code mount --bind} may take
     * @param remountTimeout how long to wait after the daemon started for its mount to answer
     */
    public MountRecovery(CommandRunner runner, MountProbe probe, DaemonLauncher launcher, MountTable mountTable,
            Duration commandTimeout, Duration remountTimeout, Clock clock, Sleeper sleeper) {
        this.runner = Objects.requireNonNull(runner, "runner");
        this.probe = Objects.requireNonNull(probe, "probe");
        this.launcher = Objects.requireNonNull(launcher, "launcher");
        this.mountTable = Objects.requireNonNull(mountTable, "mountTable");
        this.commandTimeout = Objects.requireNonNull(commandTimeout, "commandTimeout");
        this.remountTimeout = Objects.requireNonNull(remountTimeout, "remountTimeout");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    }

    /**
     * Remounts a dead mount and its bind mounts.
     *
     * @param primary the dead mount that its daemon's command line names
     * @param daemon  that command line, recorded while the mount was healthy
     * @param binds   the other dead mounts of the same FUSE connection (bind mounts of it), possibly none
     * @return the outcome of every one of these mount points, the primary first
     */
    public Map<Path, Outcome> recover(MountEntry primary, DaemonCommandLine daemon, List<MountEntry> binds) {
        Map<Path, Outcome> outcomes = new LinkedHashMap<>();
        List<MountEntry> detached = new ArrayList<>();
        for (MountEntry bind : binds) {
            Optional<String> failure = detach(bind.mountPoint());
            if (failure.isPresent()) {
                outcomes.put(bind.mountPoint(), new Outcome(false, "could not detach it: " + failure.get()));
            } else {
                detached.add(bind);
            }
        }
        Path mountPoint = primary.mountPoint();
        Optional<String> failure = detach(mountPoint)
                .map(why -> "could not detach it: " + why)
                .or(() -> start(daemon))
                .or(() -> awaitRemount(primary));
        if (failure.isPresent()) {
            outcomes.put(mountPoint, new Outcome(false, failure.get()));
            for (MountEntry bind : detached) {
                outcomes.put(bind.mountPoint(), new Outcome(false, "detached, but " + mountPoint
                        + ", which it was bound to, could not be remounted, so it is not bound again: " + failure.get()));
            }
            return reorder(outcomes, mountPoint);
        }
        outcomes.put(mountPoint, new Outcome(true, "remounted with its daemon's command line in " + launcher.how()));
        for (MountEntry bind : detached) {
            outcomes.put(bind.mountPoint(), bindAgain(primary, bind));
        }
        return reorder(outcomes, mountPoint);
    }

    /** {@code umount -l}, and {@code fusermount -uz} when that fails; empty when the mount point is detached. */
    private Optional<String> detach(Path mountPoint) {
        String umount = attempt("umount", "-l", mountPoint.toString());
        if (umount == null) {
            return Optional.empty();
        }
        String fusermount = attempt("fusermount", "-uz", mountPoint.toString());
        if (fusermount == null) {
            return Optional.empty();
        }
        return Optional.of(umount + "; " + fusermount);
    }

    /** Runs a tool; null when it exited 0, else what went wrong. */
    private String attempt(String... argv) {
        Command command = Command.of(commandTimeout, argv);
        try {
            CommandResult result = runner.run(command);
            return result.succeeded() ? null
                    : command.redacted() + " exited " + result.exitCode() + ": " + lastLine(result.stderr());
        } catch (CommandTimeoutException | CommandNotFoundException e) {
            return e.getMessage();
        }
    }

    /** Starts the daemon; empty when it started (and, for daemonizing programs, mounted). */
    private Optional<String> start(DaemonCommandLine daemon) {
        Optional<String> refused = launcher.refusal(daemon);
        if (refused.isPresent()) {
            return Optional.of("its daemon was not run again: " + refused.get());
        }
        Command command = launcher.command(daemon);
        try {
            CommandResult result = launcher.launch(daemon);
            if (!result.succeeded()) {
                return Optional.of(command.redacted() + " exited " + result.exitCode() + ": " + lastLine(result.stderr()));
            }
            return Optional.empty();
        } catch (CommandTimeoutException | CommandNotFoundException e) {
            return Optional.of(e.getMessage());
        } catch (IllegalStateException e) {
            // It exited, but something it left running holds its output open: whether it mounted, the wait tells.
            return Optional.empty();
        }
    }

    /**
     * Waits until a FUSE mount at the primary's mount point answers; empty when it does. The dead one is detached by
     * now, and a dead one would not answer, so one that answers is the new one (whose mount id may well be the old
     * one's: the kernel hands freed ids out again).
     */
    private Optional<String> awaitRemount(MountEntry primary) {
        Instant deadline = clock.instant().plus(remountTimeout);
        String last = "no FUSE mount at " + primary.mountPoint() + " yet";
        while (true) {
            boolean mounted = mountTable.mounts().stream().anyMatch(entry -> entry.mountPoint().equals(primary.mountPoint())
                    && StaleMountScanner.isFuse(entry.fsType()));
            if (mounted) {
                MountProbe.Result result = probe.probe(primary.mountPoint());
                if (result.state() == MountState.HEALTHY) {
                    return Optional.empty();
                }
                last = "stat: " + result.state().tag() + " " + result.detail();
            }
            if (!clock.instant().isBefore(deadline)) {
                return Optional.of("the daemon started, but its mount did not answer within "
                        + remountTimeout.toSeconds() + " s (" + last + ")");
            }
            try {
                sleeper.sleep(POLL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.of("interrupted while waiting for the remount");
            }
        }
    }

    /** {@code mount --bind} of the same directory of the new mount that the bind mount showed of the old one. */
    private Outcome bindAgain(MountEntry primary, MountEntry bind) {
        Optional<Path> source = bindSource(primary, bind);
        if (source.isEmpty()) {
            return new Outcome(false, "detached, but it showed " + bind.root() + " of the filesystem, which is not under "
                    + primary.root() + " that " + primary.mountPoint() + " shows, so it is not bound again");
        }
        String failure = attempt("mount", "--bind", source.get().toString(), bind.mountPoint().toString());
        if (failure != null) {
            return new Outcome(false, "detached, but binding it to " + source.get() + " again failed: " + failure);
        }
        MountProbe.Result result = probe.probe(bind.mountPoint());
        if (result.state() != MountState.HEALTHY) {
            return new Outcome(false, "bound to " + source.get() + " again, but it does not answer (stat: "
                    + result.state().tag() + " " + result.detail() + ")");
        }
        return new Outcome(true, "bound again to " + source.get() + ", which was remounted with its daemon's command line"
                + " in " + launcher.how());
    }

    static Optional<Path> bindSource(MountEntry primary, MountEntry bind) {
        Path primaryRoot = Path.of(primary.root()).normalize();
        Path bindRoot = Path.of(bind.root()).normalize();
        if (!bindRoot.startsWith(primaryRoot)) {
            return Optional.empty();
        }
        return Optional.of(primary.mountPoint().resolve(primaryRoot.relativize(bindRoot).toString()).normalize());
    }

    private static Map<Path, Outcome> reorder(Map<Path, Outcome> outcomes, Path first) {
        Map<Path, Outcome> ordered = new LinkedHashMap<>();
        ordered.put(first, outcomes.get(first));
        outcomes.forEach(ordered::putIfAbsent);
        return ordered;
    }

    private static String lastLine(String text) {
        if (text == null || text.isBlank()) {
            return "(no output)";
        }
        String stripped = text.strip();
        String line = stripped.lines().filter(l -> !l.isBlank()).reduce((a, b) -> b).orElse(stripped);
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }
}
