package io.pvcresizer.fs.stale;

import io.pvcresizer.common.command.Command;
import io.pvcresizer.common.command.CommandResult;
import io.pvcresizer.common.command.CommandRunner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Starts a FUSE daemon again so that it does not die with whoever started it, which is how the seed lost its
 * ceph-fuse mounts: in a transient systemd scope ({@code systemd-run --scope}) where systemd is PID 1, as Kubernetes'
 * own mounter does, and otherwise in a session and process group of its own ({@code setsid -f -w}).
 *
 * <p>Both wait for the command itself to end, which a daemonizing FUSE program does once its mount is up, so that its
 * exit code and error output are seen: {@code systemd-run --scope} runs it in the foreground, and {@code setsid -w}
 * waits for the child it forked. A daemon started in the foreground (a {@code -f} in its command line) would be waited
 * for until the timeout and then killed.
 */
public class DaemonLauncher {

    private final CommandRunner runner;
    private final Duration timeout;
    private final BooleanSupplier systemdRuns;
    private final java.util.function.Function<DaemonCommandLine, java.util.Optional<String>> refusal;
    private final java.util.function.UnaryOperator<DaemonCommandLine> resolution;

    /**
     * @param runner      runs the launch command
     * @param timeout     how long the daemon may take to mount and detach
     * @param systemdRuns whether PID 1 is systemd, asked at each launch
     */
    public DaemonLauncher(CommandRunner runner, Duration timeout, BooleanSupplier systemdRuns) {
        this(runner, timeout, systemdRuns, daemon -> java.util.Optional.empty(), daemon -> daemon);
    }

    /** @param trusted which recorded command lines may be run again at all ({@link TrustedDaemons#refusal}) */
    public DaemonLauncher(CommandRunner runner, Duration timeout, BooleanSupplier systemdRuns, TrustedDaemons trusted) {
        this(runner, timeout, systemdRuns, trusted::refusal, trusted::resolved);
    }

    private DaemonLauncher(CommandRunner runner, Duration timeout, BooleanSupplier systemdRuns,
            java.util.function.Function<DaemonCommandLine, java.util.Optional<String>> refusal,
            java.util.function.UnaryOperator<DaemonCommandLine> resolution) {
        this.refusal = refusal;
        this.resolution = resolution;
        this.runner = Objects.requireNonNull(runner, "runner");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.systemdRuns = Objects.requireNonNull(systemdRuns, "systemdRuns");
    }

    /** How the daemon is detached, for messages: a systemd scope or a session of its own. */
    public String how() {
        return systemdRuns.getAsBoolean() ? "a transient systemd scope (systemd-run --scope)" : "a session of its own (setsid)";
    }

    /** Why {@code daemon} may not be started again, or empty when it may. */
    public java.util.Optional<String> refusal(DaemonCommandLine daemon) {
        return refusal.apply(daemon);
    }

    /** The command that starts the daemon detached, with the daemon's secret arguments still marked as secret. */
    public Command command(DaemonCommandLine daemon) {
        List<String> prefix = systemdRuns.getAsBoolean()
                ? List.of("systemd-run", "--scope", "--quiet", "--")
                : List.of("setsid", "-f", "-w");
        DaemonCommandLine run = resolution.apply(daemon);
        List<String> argv = new ArrayList<>(prefix);
        argv.addAll(run.argv());
        Set<Integer> secrets = new HashSet<>();
        run.secretIndexes().forEach(index -> secrets.add(index + prefix.size()));
        return new Command(argv, timeout, secrets);
    }

    /**
     * Starts the daemon and returns the launch's result, whatever its exit code.
     *
     * @throws io.pvcresizer.common.command.CommandTimeoutException when it did not detach in time (it is killed)
     * @throws io.pvcresizer.common.command.CommandNotFoundException when {@code setsid} or {@code systemd-run} is missing
     */
    public CommandResult launch(DaemonCommandLine daemon) {
        return runner.run(command(daemon));
    }
}
