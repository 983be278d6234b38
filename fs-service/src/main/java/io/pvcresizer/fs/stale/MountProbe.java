package io.pvcresizer.fs.stale;

import io.pvcresizer.common.command.Command;
import io.pvcresizer.common.command.CommandNotFoundException;
import io.pvcresizer.common.command.CommandResult;
import io.pvcresizer.common.command.CommandRunner;
import io.pvcresizer.common.command.CommandTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Checks one mount point with a bounded {@code stat -c %i <mount point>}, which reaches the FUSE daemon: at once
 * ENOTCONN when the daemon is gone, no answer while it is stuck.
 *
 * <p>A {@code stat} stuck on a FUSE request the daemon has already read cannot even be killed, so a timed-out probe may
 * live on. While one of an earlier check still runs, no second one is started: the mount counts as hung, and hung
 * mounts collect at most one stuck process each.
 */
public class MountProbe {

    /** What {@code stat} prints (in the C locale) for a FUSE mount whose daemon is gone (ENOTCONN). */
    public static final String NOT_CONNECTED = "Transport endpoint is not connected";

    private final CommandRunner runner;
    private final Duration timeout;
    private final ProcessTable processes;

    public MountProbe(CommandRunner runner, Duration timeout, ProcessTable processes) {
        this.runner = Objects.requireNonNull(runner, "runner");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.processes = Objects.requireNonNull(processes, "processes");
    }

    /**
     * The probe's verdict.
     *
     * @param state  what the mount is
     * @param detail what {@code stat} said, or why no verdict was reached; empty when healthy
     */
    public record Result(MountState state, String detail) {
    }

    /** The {@code stat} command line run for a mount point (in the C locale, through {@code env}). */
    public static List<String> argv(Path mountPoint) {
        return List.of("env", "LC_ALL=C", "stat", "-c", "%i", mountPoint.toString());
    }

    /** Stats the mount point within the timeout. Never throws for what the mount does. */
    public Result probe(Path mountPoint) {
        return probeAll(List.of(mountPoint)).get(mountPoint);
    }

    /** Stats each mount point in turn, reading the process table once for probes still stuck from earlier checks. */
    public Map<Path, Result> probeAll(Collection<Path> mountPoints) {
        Set<List<String>> stuck = new HashSet<>();
        if (!mountPoints.isEmpty()) {
            processes.processes(name -> name.equals("stat"))
                    .forEach(process -> stuck.add(process.argv()));
        }
        Map<Path, Result> results = new LinkedHashMap<>();
        for (Path mountPoint : mountPoints) {
            List<String> argv = argv(mountPoint);
            // env execs stat: an earlier probe that is still stuck shows as stat with stat's own arguments.
            results.put(mountPoint, stuck.contains(argv.subList(2, argv.size()))
                    ? new Result(MountState.HUNG, "an earlier stat of it has not returned yet")
                    : run(argv));
        }
        return results;
    }

    private Result run(List<String> argv) {
        CommandResult result;
        try {
            result = runner.run(new Command(argv, timeout, Set.of()));
        } catch (CommandTimeoutException e) {
            return new Result(MountState.HUNG, "stat did not return within " + timeout.toMillis() + " ms");
        } catch (CommandNotFoundException e) {
            return new Result(MountState.UNKNOWN, e.getMessage());
        }
        if (result.succeeded()) {
            return new Result(MountState.HEALTHY, "");
        }
        String stderr = result.stderr() == null ? "" : result.stderr().strip();
        if (stderr.contains(NOT_CONNECTED)) {
            return new Result(MountState.STALE, stderr);
        }
        return new Result(MountState.UNKNOWN, "stat exited " + result.exitCode() + ": " + stderr);
    }
}
