package io.pvcresizer.fs.stale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.pvcresizer.common.command.Command;
import io.pvcresizer.common.command.CommandRunner;
import io.pvcresizer.common.command.ProcessCommandRunner;
import io.pvcresizer.common.events.StaleMountDetected;
import io.pvcresizer.common.testing.CephMiniCluster;
import io.pvcresizer.common.testing.RecordingConsumer;
import io.pvcresizer.common.topics.Topics;
import io.pvcresizer.fs.mount.MountEntry;
import io.pvcresizer.fs.mount.MountTable;
import io.pvcresizer.fs.mount.ProcMountTable;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.context.EmbeddedKafka;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The seed's bug on a real ceph-fuse mount of a real Ceph cluster: the daemon is killed with SIGKILL, as a kubelet
 * restart kills it, and the next scan finds the mount stale (ENOTCONN), publishes {@code StaleMountDetected} to Kafka,
 * and with recovery on remounts it so that the file written before reads back. Needs root, the Ceph packages and
 * {@code /dev/fuse}; skipped otherwise. Every mount and daemon it starts is gone after each test.
 */
@SpringBootTest(properties = {
        "spring.kafka.bootstrap-servers=${spring.embedded.kafka.brokers}",
        "pvc-resizer.fs.node-name=node-stale-it",
        "pvc-resizer.kafka.partitions=1",
        // The test scans by hand; the scheduled scan would run only after an hour.
        "pvc-resizer.fs.stale-mounts.scan-interval=1h"})
@EmbeddedKafka(partitions = 1)
class StaleFuseMountIT {

    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(60);
    private static final String FS_TYPE = "fuse.ceph-fuse";
    private static final Path ROOT = createRoot();
    private static final Path KUBELET = ROOT.resolve("kubelet");
    private static final CommandRunner RUNNER = new ProcessCommandRunner();
    private static CephMiniCluster cluster;

    @DynamicPropertySource
    static void kubeletRoot(DynamicPropertyRegistry registry) {
        registry.add("pvc-resizer.fs.kubelet-root", KUBELET::toString);
    }

    @Autowired
    private StaleMountScanner scanner;

    @Autowired
    private StaleMountPublisher publisher;

    @Autowired
    private EmbeddedKafkaBroker broker;

    @Autowired
    private MeterRegistry meterRegistry;

    @BeforeAll
    static void cephCluster() {
        Assumptions.assumeTrue(CephMiniCluster.available(), "needs root and the Ceph packages");
        Assumptions.assumeTrue(onPath("ceph-fuse") && onPath("setsid") && new File("/dev/fuse").exists(),
                "needs ceph-fuse, setsid and /dev/fuse");
        cluster = CephMiniCluster.shared();
    }

    @AfterEach
    void leaveNothingBehind() {
        List<MountEntry> ours = ourMounts();
        for (int i = ours.size() - 1; i >= 0; i--) {
            RUNNER.run(Command.of(TOOL_TIMEOUT, "umount", ours.get(i).mountPoint().toString()));
        }
        for (MountEntry left : ourMounts()) {
            RUNNER.run(Command.of(TOOL_TIMEOUT, "umount", "-l", left.mountPoint().toString()));
        }
        // A cleanly unmounted ceph-fuse ends by itself, after closing its MDS session; what still runs is killed.
        try {
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).until(() -> ourDaemons().isEmpty());
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            ourDaemons().forEach(daemon -> kill(daemon.pid()));
        }
        assertThat(ourMounts()).isEmpty();
        removeEmptyDirectories(ROOT);
    }

    @AfterAll
    static void removeRoot() throws IOException {
        if (ourMounts().isEmpty()) {
            removeEmptyDirectories(ROOT);
            Files.deleteIfExists(ROOT);
        }
    }

    @Test
    void shouldReportAKilledCephFuseDaemonsMountOnceThroughKafka() throws Exception {
        String podUid = UUID.randomUUID().toString();
        Path mountPoint = podMount(podUid, "pv-stale-report");
        long daemonPid = mountCephFs(subvolume(), mountPoint);
        writeFile(mountPoint.resolve("data.bin"));

        assertThat(reportsOf(scanner.scan(), mountPoint)).isEmpty();
        kill(daemonPid);
        List<StaleMount> reports = reportsOf(scanner.scan(), mountPoint);
        List<StaleMount> nextScan = reportsOf(scanner.scan(), mountPoint);

        assertThat(reports).singleElement().satisfies(report -> {
            assertThat(report.state()).isEqualTo(MountState.STALE);
            assertThat(report.recovered()).isFalse();
            assertThat(report.pvName()).isEqualTo("pv-stale-report");
            assertThat(report.podUid()).isEqualTo(podUid);
        });
        assertThat(nextScan).isEmpty();
        try (RecordingConsumer consumer = new RecordingConsumer(broker.getBrokersAsString(), List.of(Topics.NODE_EVENTS_NAME))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> !recordsOf(consumer, mountPoint).isEmpty());
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> recordsOf(consumer, mountPoint).size() == 1);
            ConsumerRecord<String, byte[]> record = recordsOf(consumer, mountPoint).get(0);
            assertThat(record.key()).isEqualTo("node-stale-it");
            StaleMountDetected event = consumer.events(Topics.NODE_EVENTS_NAME, StaleMountDetected.class).stream()
                    .filter(e -> e.mountPoint().equals(mountPoint.toString())).findFirst().orElseThrow();
            assertThat(event.nodeName()).isEqualTo("node-stale-it");
            assertThat(event.fsType()).isEqualTo(FS_TYPE);
            assertThat(event.podUid()).isEqualTo(podUid);
            assertThat(event.volume().pvName()).isEqualTo("pv-stale-report");
            assertThat(event.recovered()).isFalse();
            assertThat(event.message()).contains("is stale: its FUSE daemon is gone (Transport endpoint is not connected)")
                    .contains("Not recovered: recovery is off")
                    .contains("The dead ceph-fuse (pid " + daemonPid + ")");
        }
        assertThat(meterRegistry.get(StaleMountMetrics.DETECTED).tag("recovered", "false").tag("state", "stale")
                .counter().count()).isGreaterThanOrEqualTo(1);
        evictSessionOf(daemonPid);
    }

    @Test
    void shouldRemountAKilledGlobalMountAndItsPodBindMountSoThatTheFileReadsBack() throws Exception {
        String podUid = UUID.randomUUID().toString();
        Path global = Files.createDirectories(KUBELET.resolve(Path.of("plugins", "kubernetes.io", "csi",
                "cephfs.csi.ceph.com", sha256(UUID.randomUUID().toString().getBytes()), "globalmount")));
        Path podMount = podMount(podUid, "pv-stale-recover");
        long daemonPid = mountCephFs(subvolume(), global);
        RUNNER.run(Command.of(TOOL_TIMEOUT, "mount", "--bind", global.toString(), podMount.toString())).orThrow();
        String checksum = writeFile(podMount.resolve("data.bin"));
        StaleMountScanner recovering = recoveringScanner();

        assertThat(recovering.scan()).isEmpty();
        kill(daemonPid);
        List<StaleMount> reports = recovering.scan();

        assertThat(reports).extracting(StaleMount::mountPoint).containsExactlyInAnyOrder(global, podMount);
        assertThat(reports).allSatisfy(report -> assertThat(report.recovered()).as(report.message()).isTrue());
        assertThat(reports).filteredOn(report -> report.mountPoint().equals(podMount)).singleElement()
                .satisfies(report -> assertThat(report.pvName()).isEqualTo("pv-stale-recover"));
        assertThat(RUNNER.run(Command.of(TOOL_TIMEOUT, "stat", "-c", "%i", podMount.toString())).succeeded()).isTrue();
        List<DaemonCommandLine> daemons = ourDaemons();
        assertThat(daemons).singleElement().satisfies(daemon -> {
            assertThat(daemon.pid()).isNotEqualTo(daemonPid);
            assertThat(sessionOf(daemon.pid())).isNotEqualTo(sessionOf(ProcessHandle.current().pid()));
        });
        // The dead client still holds its capabilities on the file it wrote: evicted as the runbook says, by hand.
        evictSessionOf(daemonPid);
        assertThat(sha256(Files.readAllBytes(podMount.resolve("data.bin")))).isEqualTo(checksum);
        assertThat(recovering.scan()).isEmpty();
    }

    @Test
    void shouldReportAMountWhoseDaemonDoesNotAnswerAsHungAndLeaveItMounted() throws Exception {
        Path mountPoint = podMount(UUID.randomUUID().toString(), "pv-stale-hung");
        long daemonPid = mountCephFs(subvolume(), mountPoint);
        StaleMountScanner recovering = recoveringScanner(Duration.ofSeconds(1));
        assertThat(recovering.scan()).isEmpty();
        List<StaleMount> reports;
        try {
            signal(daemonPid, "-STOP"); // alive but silent, as a client cut off from its cluster
            reports = recovering.scan();
            assertThat(recovering.scan()).isEmpty();
        } finally {
            signal(daemonPid, "-CONT");
        }

        assertThat(reports).singleElement().satisfies(report -> {
            assertThat(report.state()).isEqualTo(MountState.HUNG);
            assertThat(report.recovered()).isFalse();
            assertThat(report.message()).contains("does not answer").contains("a hung mount is never remounted");
        });
        assertThat(ourDaemons()).extracting(DaemonCommandLine::pid).containsExactly(daemonPid);
        await().atMost(Duration.ofSeconds(10)).until(() -> recovering.scan().isEmpty() && recovering.current().isEmpty());
    }

    /** A scanner with recovery on, wired like the service's, that sees only this test's mounts. */
    private StaleMountScanner recoveringScanner() {
        return recoveringScanner(Duration.ofSeconds(5));
    }

    private StaleMountScanner recoveringScanner(Duration statTimeout) {
        MountTable all = new ProcMountTable(Path.of("/proc/self/mountinfo"));
        MountTable ours = () -> all.mounts().stream().filter(m -> m.mountPoint().startsWith(ROOT)).toList();
        ProcessTable processes = new ProcessTable(Path.of("/proc"));
        MountProbe probe = new MountProbe(RUNNER, statTimeout, processes);
        DaemonLauncher launcher = new DaemonLauncher(RUNNER, TOOL_TIMEOUT, processes::initIsSystemd);
        MountRecovery recovery = new MountRecovery(RUNNER, probe, launcher, ours, TOOL_TIMEOUT, TOOL_TIMEOUT,
                Clock.systemUTC(), duration -> Thread.sleep(duration.toMillis()));
        return new StaleMountScanner(ours, probe, new FuseDaemons(processes), recovery, true, new KubeletPaths(KUBELET),
                publisher, new StaleMountMetrics(new io.micrometer.core.instrument.simple.SimpleMeterRegistry()),
                "node-stale-it", Clock.systemUTC());
    }

    // ---------------------------------------------------------------------------------------------------- Ceph

    /** A new CephFS subvolume; its path is what ceph-csi mounts. */
    private static String subvolume() {
        String name = "stale-it-" + UUID.randomUUID().toString().substring(0, 8);
        cluster.ceph("fs", "subvolume", "create", "cephfs", name, "--size", "104857600");
        return cluster.ceph("fs", "subvolume", "getpath", "cephfs", name).strip();
    }

    /** {@code setsid -f -w ceph-fuse ... <mount point>}, so that the daemon is in a session of its own; its pid. */
    private static long mountCephFs(String cephPath, Path mountPoint) {
        RUNNER.run(Command.of(TOOL_TIMEOUT, "setsid", "-f", "-w", "ceph-fuse", "-c", cluster.confPath().toString(),
                "--keyring", cluster.keyringPath().toString(), "-r", cephPath, mountPoint.toString())).orThrow();
        await().atMost(Duration.ofSeconds(15)).until(() -> ourMounts().stream().anyMatch(m -> m.mountPoint().equals(mountPoint)));
        return ourDaemons().stream().filter(d -> d.argv().contains(mountPoint.toString())).findFirst().orElseThrow().pid();
    }

    /** SIGKILL, as a kubelet restart delivers it to the daemons in its group; returns once the daemon is gone. */
    private static void kill(long pid) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        await().atMost(Duration.ofSeconds(10)).until(() -> ourDaemons().stream().noneMatch(d -> d.pid() == pid));
    }

    private static void signal(long pid, String signal) {
        RUNNER.run(Command.of(TOOL_TIMEOUT, "kill", signal, Long.toString(pid))).orThrow();
    }

    /** {@code ceph tell mds.a client evict} of the sessions the killed daemon left (found by its pid). */
    private static void evictSessionOf(long pid) {
        JsonNode clients = JsonMapper.builder().build().readTree(cluster.ceph("tell", "mds.a", "client", "ls"));
        for (JsonNode client : clients) {
            if (client.path("client_metadata").path("pid").asString("").equals(Long.toString(pid))) {
                cluster.ceph("tell", "mds.a", "client", "evict", "id=" + client.path("id").asLong());
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------- node

    private static Path podMount(String podUid, String pv) throws IOException {
        return Files.createDirectories(KUBELET.resolve(Path.of("pods", podUid, "volumes", "kubernetes.io~csi", pv, "mount")));
    }

    /** Writes 1 MiB of random bytes and makes them durable (unflushed data of a killed client is lost); its sha256. */
    private static String writeFile(Path file) throws IOException {
        byte[] data = new byte[1024 * 1024];
        new Random().nextBytes(data);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(data));
            channel.force(true);
        }
        return sha256(data);
    }

    private static List<MountEntry> ourMounts() {
        return new ProcMountTable(Path.of("/proc/self/mountinfo")).mounts().stream()
                .filter(m -> m.mountPoint().startsWith(ROOT)).toList();
    }

    /** The ceph-fuse daemons that serve a mount point of this test. */
    private static List<DaemonCommandLine> ourDaemons() {
        List<DaemonCommandLine> daemons = new ArrayList<>();
        for (ProcessTable.RunningProcess process : new ProcessTable(Path.of("/proc")).processes()) {
            DaemonCommandLine daemon = new DaemonCommandLine(process.pid(), process.argv());
            if (daemon.programName().equals("ceph-fuse")
                    && process.argv().stream().anyMatch(arg -> arg.startsWith(ROOT.toString()))) {
                daemons.add(daemon);
            }
        }
        return daemons;
    }

    private static long sessionOf(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] afterName = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(afterName[3]); // state, ppid, pgrp, session
    }

    private static List<StaleMount> reportsOf(List<StaleMount> reports, Path mountPoint) {
        return reports.stream().filter(report -> report.mountPoint().equals(mountPoint)).toList();
    }

    private static List<ConsumerRecord<String, byte[]>> recordsOf(RecordingConsumer consumer, Path mountPoint) {
        return consumer.records(Topics.NODE_EVENTS_NAME).stream()
                .filter(r -> new String(r.value(), java.nio.charset.StandardCharsets.UTF_8).contains(mountPoint.toString()))
                .toList();
    }

    private static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Removes the test's directories, deepest first; never a file (a file would mean a mount is still there). */
    private static void removeEmptyDirectories(Path root) {
        try (var paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(root) && Files.isDirectory(p)).forEach(dir -> {
                try {
                    Files.delete(dir);
                } catch (IOException e) {
                    // not empty: left for the next look
                }
            });
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        return path != null && java.util.Arrays.stream(path.split(File.pathSeparator))
                .anyMatch(dir -> !dir.isEmpty() && Files.isExecutable(Path.of(dir, program)));
    }

    private static Path createRoot() {
        try {
            return Files.createTempDirectory("stale-fuse-it").toAbsolutePath();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
