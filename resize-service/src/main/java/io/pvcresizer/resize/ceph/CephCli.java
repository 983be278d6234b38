package io.pvcresizer.resize.ceph;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.pvcresizer.common.command.Command;
import io.pvcresizer.common.command.CommandNotFoundException;
import io.pvcresizer.common.command.CommandResult;
import io.pvcresizer.common.command.CommandRunner;
import io.pvcresizer.common.command.CommandTimeoutException;
import io.pvcresizer.common.failure.Reason;
import io.pvcresizer.common.failure.ResizeException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code rbd} and {@code ceph} against one configured cluster: connection options and credentials from the
 * cluster's settings (the keyring as a file, never its key), bounded connect and run time, failures classified by
 * {@link CephErrors}, and every call through that cluster's circuit breaker so a dead cluster is not hammered.
 */
public class CephCli {

    /** The Ceph command-line programs this class runs. */
    public enum Tool {
        RBD("rbd"), CEPH("ceph");

        private final String program;

        Tool(String program) {
            this.program = program;
        }

        public String program() {
            return program;
        }
    }

    private final CephSettings settings;
    private final CommandRunner runner;
    private final CircuitBreakerRegistry breakers;

    public CephCli(CephSettings settings, CommandRunner runner, CircuitBreakerRegistry breakers) {
        this.settings = settings;
        this.runner = runner;
        this.breakers = breakers;
    }

    /** The name of the circuit breaker of a cluster, as shown in health and metrics. */
    public static String breakerName(String clusterId) {
        return "ceph-" + clusterId;
    }

    /**
     * Runs {@code tool args…} on cluster {@code clusterId} and returns its stdout.
     *
     * @param what the operation, for error messages ("rbd info pool/image")
     * @throws ResizeException classified; transient when the breaker is open
     */
    /**
     * Refuses a pool (or CephFS filesystem) that the cluster's allow-list does not name, before any call: a request
     * acts only on what pvc-resizer is configured to serve, whatever it names.
     *
     * @param kind {@code pool} or {@code filesystem}
     * @throws ResizeException infeasible {@code NotServed}, or final {@code UnknownCephCluster}
     */
    public void requireServed(String clusterId, String kind, String name) {
        CephSettings.Cluster cluster = settings.clusters().get(clusterId);
        if (cluster == null) {
            throw new ResizeException(Reason.UNKNOWN_CEPH_CLUSTER, "no Ceph cluster \"" + clusterId
                    + "\" is configured (pvc-resizer.resize.ceph.clusters); known: " + settings.clusters().keySet());
        }
        java.util.List<String> allowed = "pool".equals(kind) ? cluster.pools() : cluster.filesystems();
        if (!allowed.isEmpty() && !allowed.contains(name)) {
            throw new ResizeException(Reason.NOT_SERVED, kind + " " + name + " of Ceph cluster " + clusterId
                    + " is not one pvc-resizer serves (pvc-resizer.resize.ceph.clusters." + clusterId + "."
                    + ("pool".equals(kind) ? "pools" : "filesystems") + ": " + allowed + ")");
        }
    }

    public String run(String clusterId, Tool tool, String what, String... args) {
        CephSettings.Cluster cluster = settings.clusters().get(clusterId);
        if (cluster == null) {
            throw new ResizeException(Reason.UNKNOWN_CEPH_CLUSTER, "no Ceph cluster \"" + clusterId
                    + "\" is configured (pvc-resizer.resize.ceph.clusters); known: " + settings.clusters().keySet());
        }
        CircuitBreaker breaker = breakers.circuitBreaker(breakerName(clusterId));
        if (!breaker.tryAcquirePermission()) {
            throw new ResizeException(Reason.CEPH_CIRCUIT_OPEN, what + " not attempted: Ceph cluster " + clusterId
                    + " failed repeatedly and its circuit breaker is open; calls resume after "
                    + settings.circuitBreaker().waitInOpenState().toSeconds() + " s", null);
        }
        long start = System.nanoTime();
        CommandResult result;
        try {
            result = runner.run(new Command(argv(cluster, tool, args), settings.commandTimeout(), Set.of()));
        } catch (CommandTimeoutException e) {
            breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, e);
            throw new ResizeException(Reason.CEPH_TIMEOUT, what + " failed: " + e.getMessage(), e);
        } catch (CommandNotFoundException e) {
            breaker.releasePermission();
            throw new ResizeException(Reason.CEPH_TOOL_MISSING, what + " failed: " + e.getMessage()
                    + " (install ceph-common in the resize-service image)");
        }
        long elapsed = System.nanoTime() - start;
        if (result.succeeded()) {
            breaker.onSuccess(elapsed, TimeUnit.NANOSECONDS);
            return result.stdout();
        }
        ResizeException failure = CephErrors.classify(result, what);
        if (failure.kind() == io.pvcresizer.common.events.FailureKind.TRANSIENT) {
            breaker.onError(elapsed, TimeUnit.NANOSECONDS, failure);
        } else {
            // The cluster answered: it is reachable, whatever it said about this volume.
            breaker.onSuccess(elapsed, TimeUnit.NANOSECONDS);
        }
        throw failure;
    }

    private List<String> argv(CephSettings.Cluster cluster, Tool tool, String... args) {
        long connect = Math.max(1, settings.connectTimeout().toSeconds());
        List<String> argv = new ArrayList<>();
        argv.add(tool.program());
        if (cluster.conf() != null) {
            argv.addAll(List.of("--conf", cluster.conf().toString()));
        }
        argv.addAll(List.of("--id", cluster.user()));
        if (cluster.keyring() != null) {
            argv.addAll(List.of("--keyring", cluster.keyring().toString()));
        }
        if (tool == Tool.CEPH) {
            argv.addAll(List.of("--connect-timeout", Long.toString(connect)));
        }
        argv.addAll(List.of("--client_mount_timeout", Long.toString(connect),
                "--rados_mon_op_timeout", Long.toString(connect),
                "--rados_osd_op_timeout", Long.toString(connect)));
        argv.addAll(List.of(args));
        return argv;
    }
}
