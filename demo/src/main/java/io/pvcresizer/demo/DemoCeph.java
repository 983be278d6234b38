package io.pvcresizer.demo;

import io.pvcresizer.common.command.Command;
import io.pvcresizer.common.command.CommandResult;
import io.pvcresizer.common.command.ProcessCommandRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The local demo's Ceph cluster: a throwaway single-node cluster started with {@code testenv/ceph-minicluster.sh} in
 * a directory of its own, an RBD image in it shown as a file by rbd-fuse, all torn down on close.
 */
final class DemoCeph implements AutoCloseable {

    private static final ProcessCommandRunner COMMANDS = new ProcessCommandRunner();

    private final Path script;
    private final Path dir;
    private final List<Path> fuseMounts = new ArrayList<>();

    private DemoCeph(Path script, Path dir) {
        this.script = script;
        this.dir = dir;
    }

    /** Starts a cluster in {@code dir} (about 15 s). */
    static DemoCeph start(Path dir) {
        Path script = Path.of("testenv", "ceph-minicluster.sh").toAbsolutePath();
        for (Path here = Path.of("").toAbsolutePath(); here != null && !Files.exists(script); here = here.getParent()) {
            script = here.resolve("testenv").resolve("ceph-minicluster.sh");
        }
        DemoCeph ceph = new DemoCeph(script, dir);
        ceph.script("start");
        return ceph;
    }

    /** Whether the Ceph packages the demo needs are installed. */
    static boolean installed() {
        return List.of("ceph-mon", "rbd", "rbd-fuse").stream().allMatch(tool -> {
            try {
                return COMMANDS.run(Command.of(Duration.ofSeconds(10), "which", tool)).succeeded();
            } catch (RuntimeException e) {
                return false;
            }
        });
    }

    Path conf() {
        return dir.resolve("ceph.conf");
    }

    Path keyring() {
        return dir.resolve("client.admin.keyring");
    }

    String rbd(String... args) {
        List<String> argv = new ArrayList<>(List.of("rbd", "-c", conf().toString(), "--keyring", keyring().toString()));
        argv.addAll(List.of(args));
        return COMMANDS.run(new Command(argv, Duration.ofSeconds(60), java.util.Set.of())).orThrow().stdout();
    }

    /** Shows the pool's images as files under {@code mountPoint} with rbd-fuse and waits for {@code image} to appear. */
    Path rbdFuse(Path mountPoint, String image) throws Exception {
        Files.createDirectories(mountPoint);
        COMMANDS.run(Command.of(Duration.ofSeconds(30), "rbd-fuse", "-c", conf().toString(), "-p", "rbd", mountPoint.toString())).orThrow();
        fuseMounts.add(mountPoint);
        Instant deadline = Instant.now().plusSeconds(20);
        while (!Files.exists(mountPoint.resolve(image))) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("rbd-fuse did not show image " + image);
            }
            Thread.onSpinWait();
        }
        return mountPoint.resolve(image);
    }

    private void script(String command) {
        CommandResult result = COMMANDS.run(new Command(List.of("env", "CEPH_MINICLUSTER_DIR=" + dir, "bash", script.toString(), command),
                Duration.ofMinutes(3), java.util.Set.of()));
        result.orThrow();
    }

    @Override
    public void close() {
        for (Path mount : fuseMounts) {
            COMMANDS.run(Command.of(Duration.ofSeconds(30), "umount", "-l", mount.toString()));
        }
        script("stop");
    }
}
