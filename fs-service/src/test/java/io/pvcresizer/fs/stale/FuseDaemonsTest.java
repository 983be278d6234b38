package io.pvcresizer.fs.stale;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finds a FUSE mount's daemon in a proc filesystem laid out in a temporary directory. */
class FuseDaemonsTest {

    private static final Path MOUNT = Path.of("/var/lib/kubelet/plugins/kubernetes.io/csi/pv/pv-data/globalmount");

    @TempDir
    Path proc;

    @Test
    void shouldFindTheDaemonThatNamesTheMountPointAndSkipProbesAndMountTools() throws IOException {
        process(7001, "stat", "-c", "%i", MOUNT.toString());
        process(7002, "umount", "-l", MOUNT.toString());
        process(3295, "/usr/bin/ceph-fuse", "-c", "/etc/ceph/ceph.conf", "-r", "/volumes/sub1", MOUNT + "/");
        process(4000, "/usr/bin/java", "-jar", "app.jar");

        Map<Path, DaemonCommandLine> found = new FuseDaemons(new ProcessTable(proc)).find(Map.of(MOUNT, "fuse.ceph-fuse"));

        assertThat(found).containsOnlyKeys(MOUNT);
        assertThat(found.get(MOUNT).pid()).isEqualTo(3295);
        assertThat(found.get(MOUNT).argv()).containsExactly("/usr/bin/ceph-fuse", "-c", "/etc/ceph/ceph.conf", "-r",
                "/volumes/sub1", MOUNT + "/");
        assertThat(found.get(MOUNT).programName()).isEqualTo("ceph-fuse");
    }

    @Test
    void shouldPreferTheProgramNamedAfterTheFuseSubtype() throws IOException {
        process(100, "/usr/local/bin/watchdog", "--watch", MOUNT.toString());
        process(200, "ceph-fuse", MOUNT.toString());
        process(300, "/usr/local/bin/other", MOUNT.toString());

        Map<Path, DaemonCommandLine> found = new FuseDaemons(new ProcessTable(proc)).find(Map.of(MOUNT, "fuse.ceph-fuse"));

        assertThat(found.get(MOUNT).pid()).isEqualTo(200);
    }

    @Test
    void shouldFindNothingForAMountNoProcessNames() throws IOException {
        process(200, "ceph-fuse", "/somewhere/else");
        Files.createDirectories(proc.resolve("2")); // a kernel thread: no command line
        Files.write(proc.resolve("2").resolve("cmdline"), new byte[0]);

        assertThat(new FuseDaemons(new ProcessTable(proc)).find(Map.of(MOUNT, "fuse.ceph-fuse"))).isEmpty();
    }

    @Test
    void shouldRedactSecretsInTheCommandLine() {
        DaemonCommandLine daemon = new DaemonCommandLine(1, List.of("ceph-fuse", "--id", "csi", "--key", "AQBxyz==",
                "--keyring", "/etc/ceph/keyring", "-o", "nonempty,secret=AQBabc==", "--key=AQBdef==", "/mnt/x"));

        assertThat(daemon.redacted())
                .isEqualTo("ceph-fuse --id csi --key *** --keyring /etc/ceph/keyring -o *** *** /mnt/x");
        assertThat(new DaemonLauncher(command -> null, java.time.Duration.ofSeconds(1), () -> false).command(daemon)
                .redacted()).isEqualTo("setsid -f -w " + daemon.redacted());
    }

    private void process(long pid, String... argv) throws IOException {
        Path dir = Files.createDirectories(proc.resolve(Long.toString(pid)));
        Files.write(dir.resolve("cmdline"), (String.join("\0", argv) + "\0").getBytes(StandardCharsets.UTF_8));
        String name = Path.of(argv[0]).getFileName().toString();
        Files.writeString(dir.resolve("comm"), name.substring(0, Math.min(15, name.length())) + "\n");
    }
}
