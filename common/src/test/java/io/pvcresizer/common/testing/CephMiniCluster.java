package io.pvcresizer.common.testing;

import io.pvcresizer.common.command.Command;
import io.pvcresizer.common.command.CommandResult;
import io.pvcresizer.common.command.ProcessCommandRunner;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Test support: a real single-node Ceph cluster (one mon, mgr, osd and mds on 127.0.0.1, an RBD pool {@code rbd} and
 * a CephFS volume {@code cephfs}) run by {@code testenv/ceph-minicluster.sh}, shared by every test of a JVM.
 *
 * <p>{@link #shared()} reuses a healthy cluster already running in {@code $CEPH_MINICLUSTER_DIR} (default
 * {@code /tmp/pvc-resizer-ceph}), which is then left running, or starts one and stops it when the JVM exits. Tests
 * should skip themselves unless {@link #available()} (root and the Ceph packages installed). Starting takes about
 * 15 s, stopping about 5 s; {@link #stopDaemons} / {@link #startDaemons} freeze and thaw daemons to simulate an
 * outage, after which the cluster answers again within seconds.
 */
public final class CephMiniCluster {

    /** Where the script keeps the cluster unless {@code $CEPH_MINICLUSTER_DIR} says otherwise. */
    public static final String DEFAULT_DIR = "/tmp/pvc-resizer-ceph";

    private static final String SCRIPT = "testenv/ceph-minicluster.sh";
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration STOP_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration STATUS_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration PAUSE_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration CLI_TIMEOUT = Duration.ofSeconds(60);
    /** Bounds the connection to the mon of each CLI call, so that a call to a frozen cluster fails instead of hanging. */
    private static final String CONNECT_SECONDS = "10";

    private static final ProcessCommandRunner RUNNER = new ProcessCommandRunner();
    private static CephMiniCluster shared;

    private final Path script;
    private final Path dir;

    private CephMiniCluster(Path script, Path dir) {
        this.script = script;
        this.dir = dir;
    }

    /** Whether this machine can run the cluster: root, and {@code ceph-mon}, {@code rbd} and {@code ceph} on PATH. */
    public static boolean available() {
        return isRoot() && onPath("ceph-mon") && onPath("rbd") && onPath("ceph");
    }

    /**
     * The cluster of this JVM: a healthy one already running in the directory is reused as it is; otherwise the script
     * starts one, and a shutdown hook stops it when the JVM exits.
     *
     * @throws IllegalStateException when the cluster cannot be started (the message carries the script's output)
     */
    public static synchronized CephMiniCluster shared() {
        if (shared != null) {
            return shared;
        }
        String configured = System.getenv("CEPH_MINICLUSTER_DIR");
        Path dir = Path.of(configured == null || configured.isBlank() ? DEFAULT_DIR : configured).toAbsolutePath();
        CephMiniCluster cluster = new CephMiniCluster(findScript(), dir);
        if (!cluster.healthy()) {
            cluster.script(START_TIMEOUT, "start").orThrow();
            Thread hook = new Thread(() -> {
                try {
                    cluster.script(STOP_TIMEOUT, "stop");
                } catch (RuntimeException e) {
                    System.err.println("could not stop the ceph minicluster in " + dir + ": " + e.getMessage());
                }
            }, "ceph-minicluster-stop");
            Runtime.getRuntime().addShutdownHook(hook);
        }
        shared = cluster;
        return cluster;
    }

    /** The cluster directory (config, keys, data, sockets, logs). */
    public Path dir() {
        return dir;
    }

    /** A {@code ceph.conf} for clients: {@code ceph -c <conf> --keyring <keyring> -s}. */
    public Path confPath() {
        return dir.resolve("ceph.conf");
    }

    /** A keyring with the {@code client.admin} key only. */
    public Path keyringPath() {
        return dir.resolve("client.admin.keyring");
    }

    /** Whether the cluster answers {@code HEALTH_OK} within a few seconds. */
    public boolean healthy() {
        return script(STATUS_TIMEOUT, "status").succeeded();
    }

    /**
     * Runs {@code rbd -c <conf> --keyring <keyring> --client_mount_timeout=10 <args>} and returns its stdout.
     *
     * @throws io.pvcresizer.common.command.CommandFailedException on a non-zero exit, with rbd's stderr
     */
    public String rbd(String... args) {
        return cli("rbd", "--client_mount_timeout=" + CONNECT_SECONDS, args);
    }

    /**
     * Runs {@code ceph -c <conf> --keyring <keyring> --connect-timeout 10 <args>} and returns its stdout.
     *
     * @throws io.pvcresizer.common.command.CommandFailedException on a non-zero exit, with ceph's stderr
     */
    public String ceph(String... args) {
        return cli("ceph", "--connect-timeout=" + CONNECT_SECONDS, args);
    }

    /**
     * Freezes daemons (SIGSTOP) to simulate an outage: with the mon frozen, clients time out connecting; with the osd
     * frozen, data operations block. No names means {@code mon.a} and {@code osd.0}; the others are {@code mgr.x} and
     * {@code mds.a}. Undo with {@link #startDaemons}.
     */
    public void stopDaemons(String... names) {
        script(PAUSE_TIMEOUT, concat("pause", names)).orThrow();
    }

    /** Lets frozen daemons run again (SIGCONT) and returns once the cluster answers {@code HEALTH_OK} again. */
    public void startDaemons(String... names) {
        script(PAUSE_TIMEOUT, concat("resume", names)).orThrow();
    }

    private String cli(String program, String boundedConnect, String... args) {
        List<String> argv = new ArrayList<>(List.of(program, "-c", confPath().toString(), "--keyring",
                keyringPath().toString(), boundedConnect));
        argv.addAll(List.of(args));
        return RUNNER.run(new Command(argv, CLI_TIMEOUT, Set.of())).orThrow().stdout();
    }

    /** Runs the script with this cluster's directory, whatever the environment says. */
    private CommandResult script(Duration timeout, String... args) {
        List<String> argv = new ArrayList<>(List.of("env", "CEPH_MINICLUSTER_DIR=" + dir, "bash", script.toString()));
        argv.addAll(List.of(args));
        return RUNNER.run(new Command(argv, timeout, Set.of()));
    }

    /** Walks up from the working directory to the project directory holding the script. */
    private static Path findScript() {
        for (Path at = Path.of("").toAbsolutePath(); at != null; at = at.getParent()) {
            Path candidate = at.resolve(SCRIPT);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no " + SCRIPT + " in " + Path.of("").toAbsolutePath() + " or above");
    }

    private static String[] concat(String first, String... rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    private static boolean isRoot() {
        try {
            return RUNNER.run(Command.of(Duration.ofSeconds(10), "id", "-u")).stdout().strip().equals("0");
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String entry : path.split(File.pathSeparator)) {
            if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, program))) {
                return true;
            }
        }
        return false;
    }
}
