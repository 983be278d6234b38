package io.pvcresizer.fs.stale;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pvcresizer.common.command.CommandTimeoutException;
import io.pvcresizer.common.events.StaleMountDetected;
import io.pvcresizer.common.testing.FakeCommandRunner;
import io.pvcresizer.fs.mount.MountEntry;
import io.pvcresizer.fs.mount.MountInfoParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * The scan with hand-written fakes: a scripted mount table, canned tool output captured on a real ceph-fuse mount,
 * and a temporary directory as the proc filesystem.
 */
class StaleMountScannerTest {

    private static final String KUBELET = "/var/lib/kubelet";
    private static final String POD_UID = "5a1c7e93-2f4b-4d8a-b6e0-9c3f1a7d5e28";
    private static final String POD_MOUNT = KUBELET + "/pods/" + POD_UID + "/volumes/kubernetes.io~csi/pv-data/mount";
    private static final String GLOBAL_MOUNT = KUBELET + "/plugins/kubernetes.io/csi/cephfs.csi.ceph.com/"
            + "0b7a4c0f9e3d2a1b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b/globalmount";
    /** What stat printed on a ceph-fuse mount whose daemon had been killed with SIGKILL. */
    private static final String ENOTCONN_STDERR = "stat: cannot statx '%s': Transport endpoint is not connected\n";
    private static final List<String> CEPH_FUSE = List.of("ceph-fuse", "-c", "/etc/ceph/ceph.conf", "--id", "csi",
            "--keyring", "/etc/ceph/keyring", "-r", "/volumes/csi/sub1", "--client_fs", "cephfs");

    @TempDir
    Path proc;

    private final FakeCommandRunner runner = new FakeCommandRunner();
    private final ScriptedMountTable mountTable = new ScriptedMountTable();
    private final List<StaleMountDetected> published = new ArrayList<>();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final TestClock clock = new TestClock(Instant.parse("2026-11-27T01:50:00Z"));
    private boolean publishFails;

    @BeforeEach
    void init() throws IOException {
        comm(1, "init");
    }

    @Test
    void shouldReportAStaleMountOnceAndLeaveItAloneWhileRecoveryIsOff() throws IOException {
        MountEntry mount = fuse(44, "0:41", POD_MOUNT);
        mountTable.answer(mount);
        daemon(3295, args(CEPH_FUSE, POD_MOUNT));
        stat(POD_MOUNT, healthy(), stale(POD_MOUNT));
        StaleMountScanner scanner = scanner(false);

        assertThat(scanner.scan()).isEmpty();
        List<StaleMount> reports = scanner.scan();
        List<StaleMount> again = scanner.scan();

        assertThat(reports).singleElement().satisfies(report -> {
            assertThat(report.state()).isEqualTo(MountState.STALE);
            assertThat(report.recovered()).isFalse();
            assertThat(report.pvName()).isEqualTo("pv-data");
            assertThat(report.podUid()).isEqualTo(POD_UID);
        });
        assertThat(again).isEmpty();
        assertThat(published).singleElement().satisfies(event -> {
            assertThat(event.nodeName()).isEqualTo("node-a");
            assertThat(event.mountPoint()).isEqualTo(POD_MOUNT);
            assertThat(event.fsType()).isEqualTo("fuse.ceph-fuse");
            assertThat(event.podUid()).isEqualTo(POD_UID);
            assertThat(event.recovered()).isFalse();
            assertThat(event.volume().pvName()).isEqualTo("pv-data");
            assertThat(event.volume().namespace()).isEmpty();
            assertThat(event.volume().pvcName()).isEmpty();
            assertThat(event.operationId()).isEmpty();
            assertThat(event.message())
                    .startsWith("fuse.ceph-fuse mount " + POD_MOUNT + " is stale: its FUSE daemon is gone")
                    .contains("Not recovered: recovery is off (pvc-resizer.fs.stale-mounts.recover)")
                    .contains("The dead ceph-fuse (pid 3295) keeps its MDS session");
        });
        assertThat(runner.programs()).containsOnly("env");
        assertThat(scanner.current()).extracting(StaleMount::mountPoint).containsExactly(Path.of(POD_MOUNT));
        assertThat(registry.scrape())
                .contains("pvc_resizer_stale_mounts{state=\"stale\"} 1.0")
                .contains("pvc_resizer_stale_mounts{state=\"hung\"} 0.0")
                .contains("pvc_resizer_stale_mounts_detected_total{recovered=\"false\",state=\"stale\"} 1.0");
    }

    @Test
    void shouldRemountWithTheRecordedCommandLineInASessionOfItsOwnWithoutSystemd() throws IOException {
        MountEntry mount = fuse(44, "0:41", POD_MOUNT);
        mountTable.answer(mount).answer(mount).answer(fuse(52, "0:47", POD_MOUNT));
        daemon(3295, args(CEPH_FUSE, POD_MOUNT));
        stat(POD_MOUNT, healthy(), stale(POD_MOUNT), healthy());
        List<String> launch = args(List.of("setsid", "-f", "-w"), args(CEPH_FUSE, POD_MOUNT));
        runner.on(List.of("umount", "-l", POD_MOUNT), "");
        runner.on(launch, 0, "", "ceph-fuse[6921]: starting ceph client\nceph-fuse[6921]: starting fuse\n");
        StaleMountScanner scanner = scanner(true);

        scanner.scan();
        List<StaleMount> reports = scanner.scan();

        assertThat(runner.calls()).containsSubsequence(List.of("umount", "-l", POD_MOUNT), launch);
        assertThat(reports).singleElement().satisfies(report -> assertThat(report.recovered()).isTrue());
        assertThat(published).singleElement().satisfies(event -> {
            assertThat(event.recovered()).isTrue();
            assertThat(event.message()).contains("Recovered: remounted with its daemon's command line in a session"
                    + " of its own (setsid); containers keep the dead mount until their pods are restarted.");
        });
        assertThat(scanner.current()).isEmpty();
        assertThat(registry.scrape())
                .contains("pvc_resizer_stale_mounts{state=\"stale\"} 0.0")
                .contains("pvc_resizer_stale_mounts_detected_total{recovered=\"true\",state=\"stale\"} 1.0");
    }

    @Test
    void shouldRemountInATransientSystemdScopeWherePidOneIsSystemd() throws IOException {
        comm(1, "systemd");
        MountEntry mount = fuse(44, "0:41", POD_MOUNT);
        mountTable.answer(mount).answer(mount).answer(fuse(52, "0:47", POD_MOUNT));
        daemon(3295, args(CEPH_FUSE, POD_MOUNT));
        stat(POD_MOUNT, healthy(), stale(POD_MOUNT), healthy());
        List<String> launch = args(List.of("systemd-run", "--scope", "--quiet", "--"), args(CEPH_FUSE, POD_MOUNT));
        runner.on(List.of("umount", "-l", POD_MOUNT), "");
        runner.on(launch, "");
        StaleMountScanner scanner = scanner(true);

        scanner.scan();
        scanner.scan();

        assertThat(runner.calls()).contains(launch).noneMatch(argv -> argv.get(0).equals("setsid"));
        assertThat(published).singleElement().satisfies(event -> assertThat(event.message())
                .contains("in a transient systemd scope (systemd-run --scope)"));
    }

    @Test
    void shouldReportAHungMountOnceAndNeverRemountIt() throws IOException {
        MountEntry mount = fuse(44, "0:41", POD_MOUNT);
        mountTable.answer(mount);
        daemon(3295, args(CEPH_FUSE, POD_MOUNT));
        runner.on(statArgv(POD_MOUNT), "1099511627776\n");
        runner.throwing(statArgv(POD_MOUNT), command -> new CommandTimeoutException(command, Duration.ofSeconds(5)));
        StaleMountScanner scanner = scanner(true);

        scanner.scan();
        List<StaleMount> reports = scanner.scan();
        scanner.scan();

        assertThat(reports).singleElement().satisfies(report -> {
            assertThat(report.state()).isEqualTo(MountState.HUNG);
            assertThat(report.recovered()).isFalse();
        });
        assertThat(published).singleElement().satisfies(event -> assertThat(event.message())
                .startsWith("fuse.ceph-fuse mount " + POD_MOUNT + " does not answer: stat did not return within 5000 ms")
                .contains("Not recovered: a hung mount is never remounted."));
        assertThat(runner.programs()).containsOnly("env");
        assertThat(registry.scrape()).contains("pvc_resizer_stale_mounts{state=\"hung\"} 1.0")
                .contains("pvc_resizer_stale_mounts_detected_total{recovered=\"false\",state=\"hung\"} 1.0");
    }

    @Test
    void shouldNotStartASecondStatWhileOneOfAnEarlierScanIsStuck() throws IOException {
        mountTable.answer(fuse(44, "0:41", POD_MOUNT));
        daemon(7001, List.of("stat", "-c", "%i", POD_MOUNT));
        StaleMountScanner scanner = scanner(true);

        List<StaleMount> reports = scanner.scan();

        assertThat(runner.calls()).isEmpty();
        assertThat(reports).singleElement().satisfies(report -> {
            assertThat(report.state()).isEqualTo(MountState.HUNG);
            assertThat(report.message()).contains("an earlier stat of it has not returned yet");
        });
    }

    @Test
    void shouldNotRemountAMountWhoseDaemonItNeverSaw() {
        mountTable.answer(fuse(44, "0:41", POD_MOUNT));
        stat(POD_MOUNT, stale(POD_MOUNT));
        StaleMountScanner scanner = scanner(true);

        List<StaleMount> reports = scanner.scan();

        assertThat(reports).singleElement().satisfies(report -> assertThat(report.message())
                .contains("Not recovered: the daemon's command line is unknown"));
        assertThat(runner.programs()).containsOnly("env");
    }

    @Test
    void shouldNotRemountAMountOutsideTheKubeletRoot() throws IOException {
        String elsewhere = "/mnt/cephfs-admin";
        MountEntry mount = fuse(44, "0:41", elsewhere);
        mountTable.answer(mount);
        daemon(3295, args(CEPH_FUSE, elsewhere));
        stat(elsewhere, healthy(), stale(elsewhere));
        StaleMountScanner scanner = scanner(true);

        scanner.scan();
        List<StaleMount> reports = scanner.scan();

        assertThat(reports).singleElement().satisfies(report -> {
            assertThat(report.pvName()).isEmpty();
            assertThat(report.podUid()).isEmpty();
            assertThat(report.message()).contains("Not recovered: only mounts under kubelet's root directory are remounted");
        });
        assertThat(runner.programs()).containsOnly("env");
        assertThat(published).singleElement().satisfies(event -> assertThat(event.volume().pvName()).isEmpty());
    }

    @Test
    void shouldRemountTheGlobalMountAndBindThePodMountToItAgain() throws IOException {
        MountEntry global = fuse(44, "0:41", GLOBAL_MOUNT);
        MountEntry pod = fuse(45, "0:41", POD_MOUNT);
        mountTable.answer(global, pod).answer(global, pod).answer(fuse(52, "0:47", GLOBAL_MOUNT));
        daemon(3295, args(CEPH_FUSE, GLOBAL_MOUNT));
        stat(GLOBAL_MOUNT, healthy(), stale(GLOBAL_MOUNT), healthy());
        stat(POD_MOUNT, healthy(), stale(POD_MOUNT), healthy());
        List<String> launch = args(List.of("setsid", "-f", "-w"), args(CEPH_FUSE, GLOBAL_MOUNT));
        runner.on(List.of("umount", "-l", POD_MOUNT), "");
        runner.on(List.of("umount", "-l", GLOBAL_MOUNT), "");
        runner.on(launch, "");
        runner.on(List.of("mount", "--bind", GLOBAL_MOUNT, POD_MOUNT), "");
        StaleMountScanner scanner = scanner(true);

        scanner.scan();
        List<StaleMount> reports = scanner.scan();

        assertThat(runner.calls().stream().filter(argv -> !argv.get(0).equals("env")).toList()).containsExactly(
                List.of("umount", "-l", POD_MOUNT), List.of("umount", "-l", GLOBAL_MOUNT), launch,
                List.of("mount", "--bind", GLOBAL_MOUNT, POD_MOUNT));
        assertThat(reports).hasSize(2).allSatisfy(report -> assertThat(report.recovered()).isTrue());
        assertThat(published).filteredOn(event -> event.mountPoint().equals(POD_MOUNT)).singleElement()
                .satisfies(event -> {
                    assertThat(event.volume().pvName()).isEqualTo("pv-data");
                    assertThat(event.message()).contains("Recovered: bound again to " + GLOBAL_MOUNT + ", which was remounted")
                            .contains("The dead ceph-fuse (pid 3295)");
                });
        assertThat(published).filteredOn(event -> event.mountPoint().equals(GLOBAL_MOUNT)).singleElement()
                .satisfies(event -> assertThat(event.volume().pvName()).isEmpty());
    }

    @Test
    void shouldDetachWithFusermountWhenUmountFails() throws IOException {
        MountEntry mount = fuse(44, "0:41", POD_MOUNT);
        mountTable.answer(mount).answer(mount).answer(fuse(52, "0:47", POD_MOUNT));
        daemon(3295, args(CEPH_FUSE, POD_MOUNT));
        stat(POD_MOUNT, healthy(), stale(POD_MOUNT), healthy());
        runner.on(List.of("umount", "-l", POD_MOUNT), 32, "", "umount: " + POD_MOUNT + ": not mounted.\n");
        runner.on(List.of("fusermount", "-uz", POD_MOUNT), "");
        runner.on(args(List.of("setsid", "-f", "-w"), args(CEPH_FUSE, POD_MOUNT)), "");
        StaleMountScanner scanner = scanner(true);

        scanner.scan();
        List<StaleMount> reports = scanner.scan();

        assertThat(runner.programs()).containsSubsequence("umount", "fusermount", "setsid");
        assertThat(reports).singleElement().satisfies(report -> assertThat(report.recovered()).isTrue());
    }

    @Test
    void shouldReportWhyADaemonThatFailsToStartLeftTheMountUnrecovered() throws IOException {
        MountEntry mount = fuse(44, "0:41", POD_MOUNT);
        mountTable.answer(mount);
        daemon(3295, args(CEPH_FUSE, POD_MOUNT));
        stat(POD_MOUNT, healthy(), stale(POD_MOUNT));
        runner.on(List.of("umount", "-l", POD_MOUNT), "");
        runner.on(args(List.of("setsid", "-f", "-w"), args(CEPH_FUSE, POD_MOUNT)), 1, "",
                "ceph-fuse[7342]: starting ceph client\nfailed to fetch mon config (--no-mon-config to skip)\n");
        StaleMountScanner scanner = scanner(true);

        scanner.scan();
        List<StaleMount> reports = scanner.scan();

        assertThat(reports).singleElement().satisfies(report -> {
            assertThat(report.recovered()).isFalse();
            assertThat(report.message()).contains("Not recovered: setsid -f -w ceph-fuse")
                    .contains("exited 1: failed to fetch mon config (--no-mon-config to skip)");
        });
    }

    @Test
    void shouldGiveUpWaitingForAMountThatDoesNotComeBack() throws IOException {
        MountEntry mount = fuse(44, "0:41", POD_MOUNT);
        mountTable.answer(mount); // the new mount never shows up
        daemon(3295, args(CEPH_FUSE, POD_MOUNT));
        stat(POD_MOUNT, healthy(), stale(POD_MOUNT));
        runner.on(List.of("umount", "-l", POD_MOUNT), "");
        runner.on(args(List.of("setsid", "-f", "-w"), args(CEPH_FUSE, POD_MOUNT)), "");
        StaleMountScanner scanner = scanner(true);

        scanner.scan();
        List<StaleMount> reports = scanner.scan();

        assertThat(reports).singleElement().satisfies(report -> assertThat(report.message())
                .contains("Not recovered: the daemon started, but its mount did not answer within 60 s"));
    }

    @Test
    void shouldPublishAgainAtTheNextScanWhatKafkaDidNotTake() throws IOException {
        MountEntry mount = fuse(44, "0:41", POD_MOUNT);
        mountTable.answer(mount);
        stat(POD_MOUNT, stale(POD_MOUNT));
        StaleMountScanner scanner = scanner(false);
        publishFails = true;

        assertThat(scanner.scan()).hasSize(1);
        publishFails = false;
        assertThat(scanner.scan()).isEmpty();

        assertThat(published).hasSize(1);
        assertThat(registry.scrape()).contains("pvc_resizer_stale_mounts_detected_total{recovered=\"false\",state=\"stale\"} 1.0");
    }

    @Test
    void shouldStartANewEpisodeWhenAMountThatAnsweredAgainGoesStaleAgain() {
        mountTable.answer(fuse(44, "0:41", POD_MOUNT));
        stat(POD_MOUNT, stale(POD_MOUNT), healthy(), stale(POD_MOUNT));
        StaleMountScanner scanner = scanner(false);

        assertThat(scanner.scan()).hasSize(1);
        assertThat(scanner.scan()).isEmpty();
        assertThat(scanner.current()).isEmpty();
        assertThat(scanner.scan()).hasSize(1);

        assertThat(published).hasSize(2);
        assertThat(scanner.recent()).hasSize(2);
    }

    @Test
    void shouldCheckOnlyFuseMounts() {
        mountTable.answer(MountInfoParser.parse("29 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw"),
                MountInfoParser.parse("30 29 0:27 / /sys/fs/fuse/connections rw,relatime - fusectl fusectl rw"),
                fuse(44, "0:41", POD_MOUNT));
        stat(POD_MOUNT, healthy());
        StaleMountScanner scanner = scanner(false);

        scanner.scan();

        assertThat(runner.calls()).containsExactly(statArgv(POD_MOUNT));
    }

    @Test
    void shouldListStaleMountsInTheHealthDetailsAndStayUp() {
        mountTable.answer(fuse(44, "0:41", POD_MOUNT));
        stat(POD_MOUNT, stale(POD_MOUNT));
        StaleMountScanner scanner = scanner(false);
        StaleMountHealthIndicator indicator = new StaleMountHealthIndicator(scanner);

        assertThat(indicator.health().getDetails()).containsEntry("lastScan", "never");
        scanner.scan();
        Health health = indicator.health();

        assertThat(health.getStatus()).isEqualTo(Status.UP);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> stale = (List<Map<String, Object>>) health.getDetails().get("staleMounts");
        assertThat(stale).singleElement().satisfies(detail -> assertThat(detail)
                .containsEntry("mountPoint", POD_MOUNT).containsEntry("state", "stale")
                .containsEntry("pv", "pv-data").containsEntry("recovered", false));
    }

    // ---------------------------------------------------------------------------------------------------- fixtures

    private StaleMountScanner scanner(boolean recover) {
        ProcessTable processes = new ProcessTable(proc);
        MountProbe probe = new MountProbe(runner, Duration.ofSeconds(5), processes);
        DaemonLauncher launcher = new DaemonLauncher(runner, Duration.ofMinutes(2), processes::initIsSystemd);
        MountRecovery recovery = new MountRecovery(runner, probe, launcher, mountTable, Duration.ofSeconds(20),
                Duration.ofSeconds(60), clock, clock::advance);
        StaleMountPublisher publisher = event -> {
            if (publishFails) {
                throw new IllegalStateException("Kafka did not acknowledge the event");
            }
            published.add(event);
        };
        return new StaleMountScanner(mountTable, probe, new FuseDaemons(processes), recovery, recover,
                new KubeletPaths(Path.of(KUBELET)), publisher, new StaleMountMetrics(registry), "node-a", clock);
    }

    /** A ceph-fuse mount as this machine's mountinfo shows one. */
    private static MountEntry fuse(int mountId, String device, String mountPoint) {
        return MountInfoParser.parse(mountId + " 27 " + device + " / " + mountPoint
                + " rw,nosuid,nodev,relatime - fuse.ceph-fuse ceph-fuse rw,user_id=0,group_id=0,allow_other");
    }

    private static List<String> statArgv(String mountPoint) {
        return MountProbe.argv(Path.of(mountPoint));
    }

    private record Answer(int exitCode, String stdout, String stderr) {
    }

    private static Answer healthy() {
        return new Answer(0, "1099511627776\n", "");
    }

    private static Answer stale(String mountPoint) {
        return new Answer(1, "", ENOTCONN_STDERR.formatted(mountPoint));
    }

    private void stat(String mountPoint, Answer... answers) {
        for (Answer answer : answers) {
            runner.on(statArgv(mountPoint), answer.exitCode(), answer.stdout(), answer.stderr());
        }
    }

    private static List<String> args(List<String> first, String... more) {
        List<String> all = new ArrayList<>(first);
        all.addAll(List.of(more));
        return all;
    }

    private static List<String> args(List<String> first, List<String> more) {
        List<String> all = new ArrayList<>(first);
        all.addAll(more);
        return all;
    }

    private void daemon(long pid, List<String> argv) throws IOException {
        Path dir = Files.createDirectories(proc.resolve(Long.toString(pid)));
        Files.write(dir.resolve("cmdline"), (String.join("\0", argv) + "\0").getBytes(StandardCharsets.UTF_8));
        String name = Path.of(argv.get(0)).getFileName().toString();
        Files.writeString(dir.resolve("comm"), name.substring(0, Math.min(15, name.length())) + "\n");
    }

    private void comm(long pid, String name) throws IOException {
        Path dir = Files.createDirectories(proc.resolve(Long.toString(pid)));
        Files.writeString(dir.resolve("comm"), name + "\n");
    }
}
