package io.pvcresizer.common.testing;

import static org.awaitility.Awaitility.await;

import io.pvcresizer.common.command.Command;
import io.pvcresizer.common.command.CommandResult;
import io.pvcresizer.common.command.CommandRunner;
import io.pvcresizer.common.command.ProcessCommandRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Test support: a ceph-fuse mount of one CephFS path of a {@link CephMiniCluster} on a temporary directory, never
 * left behind after {@link #close()}.
 */
public final class CephFuseMount implements AutoCloseable {

    private static final Duration MOUNT_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration LISTED_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration DF_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration UMOUNT_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration FORCED_UMOUNT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration CLIENT_EXIT_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration POLL = Duration.ofMillis(50);

    private final CommandRunner runner;
    private final String cephPath;
    private final Path dir;
    private final ProcessHandle client;
    private boolean closed;

    private CephFuseMount(CommandRunner runner, String cephPath, Path dir, ProcessHandle client) {
        this.runner = runner;
        this.cephPath = cephPath;
        this.dir = dir;
        this.client = client;
    }

    /**
     * Mounts {@code cephPath} ({@code /} for the root, or a subvolume's {@code getpath}) of the cluster's CephFS with
     * {@code ceph-fuse -c <conf> --keyring <keyring> -r <cephPath> <dir>} and returns once the mount is listed.
     *
     * @throws IllegalStateException when ceph-fuse fails or the mount does not show up; nothing is left mounted then
     */
    public static CephFuseMount mount(CephMiniCluster cluster, String cephPath) {
        CommandRunner runner = new ProcessCommandRunner();
        Path dir;
        try {
            dir = Files.createTempDirectory("ceph-fuse-").toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Command command = Command.of(MOUNT_TIMEOUT, "ceph-fuse", "-c", cluster.confPath().toString(), "--keyring",
                cluster.keyringPath().toString(), "-r", cephPath, dir.toString());
        try {
            CommandResult result = runner.run(command);
            if (!result.succeeded()) {
                throw new IllegalStateException("ceph-fuse of " + cephPath + " on " + dir + " exited "
                        + result.exitCode() + ": " + result.stderr().strip());
            }
            await().atMost(LISTED_TIMEOUT).pollInterval(POLL).until(() -> mountId(dir).isPresent());
        } catch (RuntimeException e) {
            CephFuseMount partial = new CephFuseMount(runner, cephPath, dir, clientOf(dir).orElse(null));
            try {
                partial.close();
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e instanceof ConditionTimeoutException
                    ? new IllegalStateException("ceph-fuse of " + cephPath + " on " + dir
                            + " is not listed in mountinfo", e)
                    : e;
        }
        return new CephFuseMount(runner, cephPath, dir, clientOf(dir).orElse(null));
    }

    /** The local directory the CephFS path is mounted on. */
    public Path dir() {
        return dir;
    }

    /** The mounted CephFS path. */
    public String cephPath() {
        return cephPath;
    }

    /** The kernel's id of this mount (first field of {@code /proc/self/mountinfo}); a remount would change it. */
    public String mountId() {
        return mountId(dir).orElseThrow(() -> new IllegalStateException(dir + " is not mounted"));
    }

    /** The size {@code df -B1 --output=size <dir>} shows; ceph-fuse shows the quota of the mounted path as the size. */
    public long dfSizeBytes() {
        CommandResult result = runner.run(Command.of(DF_TIMEOUT, "df", "-B1", "--output=size", dir.toString()))
                .orThrow();
        List<String> lines = result.stdout().strip().lines().toList();
        String last = lines.isEmpty() ? "" : lines.get(lines.size() - 1).strip();
        try {
            return Long.parseLong(last);
        } catch (NumberFormatException e) {
            throw new IllegalStateException("df of " + dir + " printed no size: " + result.stdout(), e);
        }
    }

    /**
     * Unmounts with {@code umount}, falling back to {@code umount -l} and {@code fusermount -uz}; waits for the
     * ceph-fuse client to end (killing it when it does not) and removes the then empty directory.
     *
     * @throws IllegalStateException when the directory is still mounted after every attempt
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        List<String> attempts = new ArrayList<>();
        if (mountId(dir).isPresent()) {
            unmountWith(attempts, UMOUNT_TIMEOUT, "umount", dir.toString());
        }
        if (mountId(dir).isPresent()) {
            unmountWith(attempts, FORCED_UMOUNT_TIMEOUT, "umount", "-l", dir.toString());
        }
        if (mountId(dir).isPresent()) {
            unmountWith(attempts, FORCED_UMOUNT_TIMEOUT, "fusermount", "-uz", dir.toString());
        }
        if (mountId(dir).isPresent()) {
            throw new IllegalStateException("could not unmount " + dir + ": " + attempts);
        }
        closed = true;
        if (client != null) {
            endClient(client);
        }
        try {
            // Files.delete refuses a directory that is not empty: never removes anything but the mount point itself.
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("could not remove the mount point " + dir, e);
        }
    }

    private void unmountWith(List<String> attempts, Duration timeout, String... argv) {
        Command command = Command.of(timeout, argv);
        try {
            CommandResult result = runner.run(command);
            attempts.add(command.redacted() + ": exit " + result.exitCode() + " " + result.stderr().strip());
        } catch (RuntimeException e) {
            attempts.add(command.redacted() + ": " + e.getMessage());
        }
    }

    /** A client leaves by itself once unmounted, after closing its MDS session; one that does not is killed. */
    private static void endClient(ProcessHandle client) {
        try {
            await().atMost(CLIENT_EXIT_TIMEOUT).pollInterval(POLL).until(() -> ended(client));
        } catch (ConditionTimeoutException e) {
            client.destroyForcibly();
        }
    }

    /**
     * Whether the client has exited: gone, or a zombie (the daemonized client is no child of this JVM, and until
     * whoever adopted it reaps it, {@link ProcessHandle#isAlive()} still says true).
     */
    private static boolean ended(ProcessHandle client) {
        if (!client.isAlive()) {
            return true;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(client.pid()), "stat"));
            int afterName = stat.lastIndexOf(')') + 2; // the state follows the parenthesised program name
            char state = afterName < stat.length() ? stat.charAt(afterName) : 'X';
            return state == 'Z' || state == 'X';
        } catch (IOException e) {
            return true; // gone meanwhile
        }
    }

    /** The ceph-fuse process serving {@code dir}: the one with {@code dir} as an argument. */
    private static Optional<ProcessHandle> clientOf(Path dir) {
        String target = dir.toString();
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().command().map(c -> c.endsWith("/ceph-fuse")).orElse(false))
                .filter(p -> p.info().arguments().map(args -> List.of(args).contains(target)).orElse(false))
                .findFirst();
    }

    /** The mount id of a fuse mount on {@code dir} in {@code /proc/self/mountinfo}, if one is listed. */
    private static Optional<String> mountId(Path dir) {
        String escaped = escape(dir.toString());
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of("/proc/self/mountinfo"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String found = null;
        for (String line : lines) {
            String[] fields = line.split(" ");
            int separator = List.of(fields).indexOf("-");
            if (fields.length > 4 && separator > 0 && separator + 1 < fields.length && fields[4].equals(escaped)
                    && fields[separator + 1].startsWith("fuse")) {
                found = fields[0]; // the last one listed is the one on top
            }
        }
        return Optional.ofNullable(found);
    }

    /** A path as mountinfo writes it: space, tab, newline and backslash as octal escapes. */
    private static String escape(String path) {
        return path.replace("\\", "\\134").replace(" ", "\\040").replace("\t", "\\011").replace("\n", "\\012");
    }
}
