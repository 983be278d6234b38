package io.pvcresizer.tools.benchmark;

import io.pvcresizer.common.command.Command;
import io.pvcresizer.common.command.CommandResult;
import io.pvcresizer.common.command.ProcessCommandRunner;
import io.pvcresizer.testkit.ServiceProcess;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A throwaway single-node Ceph cluster for the real-backend figures, run by {@code testenv/ceph-minicluster.sh}
 * in a directory and on mon ports of its own (so it never meets another cluster of the same script), its RBD pool
 * shown as files by rbd-fuse, all torn down on close.
 */
public final class BenchCeph implements AutoCloseable {

    /** The {@code clusterID} the benchmark's RBD volumes name. */
    public static final String CLUSTER_ID = "bench";

    private static final ProcessCommandRunner COMMANDS = new ProcessCommandRunner();

    private final Path dir;
    private final int monPort;
    private final Thread stopOnExit = new Thread(() -> script("stop"), "bench-ceph-stop");
    private boolean started;

    private BenchCeph(Path dir, int monPort) {
        this.dir = dir;
        this.monPort = monPort;
    }

    /** Why no cluster can be started here, or empty when one can (root, and the Ceph and xfs tools installed). */
    public static Optional<String> unavailable() {
        if (!"0".equals(run(Command.of(Duration.ofSeconds(5), "id", "-u")).stdout().strip())) {
            return Optional.of("needs root (a Ceph cluster, loop devices and mounts)");
        }
        List<String> missing = new ArrayList<>();
        for (String tool : List.of("ceph-mon", "ceph-osd", "ceph-mgr", "rbd", "rbd-fuse", "losetup", "mkfs.xfs", "xfs_growfs")) {
            if (!run(Command.of(Duration.ofSeconds(5), "which", tool)).succeeded()) {
                missing.add(tool);
            }
        }
        return missing.isEmpty() ? Optional.empty() : Optional.of("tools missing: " + String.join(", ", missing));
    }

    /**
     * A cluster to be started in {@code dir} on mon ports of its own: its {@link #conf()} and {@link #keyring()} paths
     * are known at once, so that resize-service can be given them before the cluster runs.
     */
    public static BenchCeph prepare(Path dir) throws IOException {
        return new BenchCeph(dir, freePortPair());
    }

    /** Starts the cluster (15–30 s). */
    public void start() {
        // Should the benchmark be interrupted (Ctrl-C), the cluster must not outlive it.
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        started = true;
        CommandResult result = script("start");
        if (!result.succeeded()) {
            close();
            result.orThrow();
        }
    }

    public Path conf() {
        return dir.resolve("ceph.conf");
    }

    public Path keyring() {
        return dir.resolve("client.admin.keyring");
    }

    /** Runs {@code rbd args…} against the cluster; its stdout. */
    public String rbd(String... args) {
        List<String> argv = new ArrayList<>(List.of("rbd", "-c", conf().toString(), "--keyring", keyring().toString()));
        argv.addAll(List.of(args));
        return run(new Command(argv, Duration.ofSeconds(60), java.util.Set.of())).orThrow().stdout();
    }

    /** Shows the pool's images as files with rbd-fuse (under the cluster directory) once {@code images} all appear. */
    public Path rbdFuse(List<String> images) throws InterruptedException, IOException {
        Path mountPoint = dir.resolve("rbd-fuse");
        Files.createDirectories(mountPoint);
        run(Command.of(Duration.ofSeconds(30), "rbd-fuse", "-c", conf().toString(), "-p", "rbd", mountPoint.toString())).orThrow();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!images.stream().allMatch(image -> Files.exists(mountPoint.resolve(image)))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("rbd-fuse did not show the images " + images);
            }
            Thread.sleep(100);
        }
        return mountPoint;
    }

    private CommandResult script(String command) {
        Path script = ServiceProcess.sourceRoot().resolve("testenv").resolve("ceph-minicluster.sh");
        return run(new Command(List.of("env", "CEPH_MINICLUSTER_DIR=" + dir, "CEPH_MINICLUSTER_MON_PORT=" + monPort,
                "CEPH_MINICLUSTER_OSD_BYTES=" + (1L << 30), "bash", script.toString(), command),
                Duration.ofMinutes(3), java.util.Set.of()));
    }

    private static CommandResult run(Command command) {
        return COMMANDS.run(command);
    }

    /** A port whose successor is free too (the mon's msgr2 and msgr1 ports), away from the script's default. */
    private static int freePortPair() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(20_000, 30_000);
            try (ServerSocket a = new ServerSocket(port); ServerSocket b = new ServerSocket(port + 1)) {
                return port;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no two free consecutive ports found for the Ceph mon");
    }

    /** Unmounts its fuse clients (and loop devices on them), stops every daemon and removes the directory. */
    @Override
    public void close() {
        if (!started) {
            return;
        }
        started = false;
        try {
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
        } catch (IllegalStateException shuttingDown) {
            return;
        }
        script("stop");
    }
}
