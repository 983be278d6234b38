package io.pvcresizer.fs.usage;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pvcresizer.common.command.Command;
import io.pvcresizer.common.command.CommandRunner;
import io.pvcresizer.common.command.CommandTimeoutException;
import io.pvcresizer.common.events.VolumeRef;
import io.pvcresizer.common.events.VolumeUsageReported;
import io.pvcresizer.common.failure.Reason;
import io.pvcresizer.common.failure.ResizeException;
import io.pvcresizer.common.testing.FakeCommandRunner;
import io.pvcresizer.fs.mount.MountEntry;
import io.pvcresizer.fs.mount.MountInfoParser;
import io.pvcresizer.fs.testing.ToolOutput;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Every pass measures each PV mounted for a pod once with df and reports it; a hung mount costs one log line. */
class UsageReporterTest {

    private static final Path KUBELET = Path.of("/var/lib/kubelet");
    private static final String UID = "6f1c2a7e-0d5b-4a51-9a3e-3b8f7f0e9c11";
    private static final String OTHER_UID = "0b5e7c7d-44c4-4bd0-a1b2-77d0f7f0a001";
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final List<MountEntry> mounts = new ArrayList<>();
    private final FakeCommandRunner df = new FakeCommandRunner();
    private final List<Command> commands = new ArrayList<>();
    private final List<VolumeUsageReported> published = new ArrayList<>();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private CompletableFuture<?> publishOutcome = CompletableFuture.completedFuture(null);
    private UsageReporter reporter;

    @BeforeEach
    void newReporter() {
        CommandRunner runner = command -> {
            commands.add(command);
            return df.run(command);
        };
        UsagePublisher publisher = report -> {
            published.add(report);
            return publishOutcome;
        };
        reporter = new UsageReporter("node-a", KUBELET, () -> List.copyOf(mounts), runner, TIMEOUT, publisher, meters);
        logs.start();
        logger().addAppender(logs);
    }

    @AfterEach
    void detachLogs() {
        logger().detachAppender(logs);
    }

    @Test
    void shouldReportEachPodVolumeOnceKeyedByItsPvWithTheNumbersOfDf() {
        String xfs = podMount(1, UID, "pv-xfs");
        String ext4 = podMount(2, UID, "pv-ext4");
        podMount(3, OTHER_UID, "pv-xfs"); // a second pod using the same volume
        mount(4, "/var/lib/kubelet/plugins/kubernetes.io/csi/rbd.csi.ceph.com/0a1b/globalmount");
        mount(5, "/var/lib/kubelet/pods/" + UID + "/volumes/kubernetes.io~empty-dir/cache");
        mount(6, "/");
        df.on(dfOf(xfs), ToolOutput.read("df-usage-xfs.stdout"));
        df.on(dfOf(ext4), ToolOutput.read("df-usage-ext4.stdout"));

        int reported = reporter.reportOnce();

        assertThat(reported).isEqualTo(2);
        assertThat(df.calls()).containsExactly(dfOf(xfs), dfOf(ext4));
        assertThat(commands).allSatisfy(command -> assertThat(command.timeout()).isEqualTo(TIMEOUT));
        assertThat(published).hasSize(2);
        VolumeUsageReported first = published.get(0);
        assertThat(first.header().volume()).isEqualTo(new VolumeRef("", "", null, "pv-xfs"));
        assertThat(first.nodeName()).isEqualTo("node-a");
        assertThat(first.podUid()).isEqualTo(UID);
        assertThat(first.totalBytes()).isEqualTo(268_435_456L);
        assertThat(first.usedBytes()).isEqualTo(26_345_472L);
        assertThat(first.totalInodes()).isEqualTo(163_840L);
        assertThat(first.usedInodes()).isEqualTo(25L);
        assertThat(published.get(1).header().volume().pvName()).isEqualTo("pv-ext4");
        assertThat(published.get(1).totalBytes()).isEqualTo(120_015_872L);
        assertThat(published).extracting(VolumeUsageReported::operationId).allSatisfy(id -> assertThat(id)
                .startsWith("usage-").isEqualTo(first.operationId()));
        assertThat(counter(UsageReporter.REPORTS)).isEqualTo(2.0);
    }

    @Test
    void shouldReportNoInodesInUseForACephFuseMountWhereDfPrintsADash() {
        String fuse = podMount(1, UID, "pvc-cephfs-1");
        df.on(dfOf(fuse), ToolOutput.read("df-usage-ceph-fuse.stdout"));

        reporter.reportOnce();

        assertThat(published).singleElement().satisfies(report -> {
            assertThat(report.totalBytes()).isEqualTo(104_857_600L);
            assertThat(report.totalInodes()).isEqualTo(23L);
            assertThat(report.usedInodes()).isZero();
        });
    }

    @Test
    void shouldSkipAHungMountLogItOnceAndKeepReportingTheOthers() {
        String hung = podMount(1, UID, "pv-hung");
        String fine = podMount(2, UID, "pv-fine");
        df.throwing(dfOf(hung), command -> new CommandTimeoutException(command, command.timeout()));
        df.on(dfOf(fine), ToolOutput.read("df-usage-xfs.stdout"));

        IntStream.range(0, 40).forEach(pass -> reporter.reportOnce());

        assertThat(published).hasSize(40).allSatisfy(report -> assertThat(report.header().volume().pvName())
                .isEqualTo("pv-fine"));
        assertThat(warnings()).singleElement().satisfies(line -> assertThat(line).contains(hung).contains("pv-hung")
                .contains("5000 ms"));
        // Tried in passes 1, 3, 7, 15 and 31 only (left out of 1, 3, 7, 15 passes after each timeout).
        assertThat(df.calls().stream().filter(dfOf(hung)::equals).count()).isEqualTo(5);
        assertThat(counter(UsageReporter.SKIPPED, "timeout")).isEqualTo(5.0);
        assertThat(counter(UsageReporter.SKIPPED, "hung")).isEqualTo(35.0);
    }

    @Test
    void shouldReportAMountAgainOnceDfAnswersAgain() {
        String flaky = podMount(1, UID, "pv-flaky");
        df.throwing(dfOf(flaky), command -> new CommandTimeoutException(command, command.timeout()));
        df.on(dfOf(flaky), ToolOutput.read("df-usage-ext4.stdout"));

        reporter.reportOnce(); // times out
        reporter.reportOnce(); // left out
        reporter.reportOnce(); // answers

        assertThat(published).singleElement().satisfies(report -> assertThat(report.totalBytes()).isEqualTo(120_015_872L));
        assertThat(warnings()).hasSize(1);
        assertThat(infos()).anySatisfy(line -> assertThat(line).contains("answers again").contains(flaky));
    }

    @Test
    void shouldSkipAStaleFuseMountWhoseDfFailsAndLogItOnce() {
        String stale = podMount(1, UID, "pvc-cephfs-stale");
        df.on(dfOf(stale), 1, "", ToolOutput.read("df-usage-stale-fuse.stderr"));

        reporter.reportOnce();
        reporter.reportOnce();
        reporter.reportOnce();

        assertThat(published).isEmpty();
        assertThat(df.calls()).hasSize(3);
        assertThat(warnings()).singleElement().satisfies(line -> assertThat(line)
                .contains("Transport endpoint is not connected").contains("pvc-cephfs-stale"));
        assertThat(counter(UsageReporter.SKIPPED, "df_failed")).isEqualTo(3.0);
    }

    @Test
    void shouldCountReportsKafkaDidNotTakeAndLogTheFirstOnly() {
        podMount(1, UID, "pv-a");
        df.on(dfOf(mountPoint(UID, "pv-a")), ToolOutput.read("df-usage-xfs.stdout"));
        publishOutcome = CompletableFuture.failedFuture(new IllegalStateException("broker down"));

        reporter.reportOnce();
        reporter.reportOnce();

        assertThat(published).hasSize(2);
        assertThat(counter(UsageReporter.SKIPPED, "not_published")).isEqualTo(2.0);
        assertThat(counter(UsageReporter.REPORTS)).isZero();
        assertThat(warnings()).singleElement().satisfies(line -> assertThat(line).contains("broker down"));

        publishOutcome = CompletableFuture.completedFuture(null);
        reporter.reportOnce();

        assertThat(counter(UsageReporter.REPORTS)).isEqualTo(1.0);
        assertThat(infos()).anySatisfy(line -> assertThat(line).contains("reach Kafka again"));
    }

    @Test
    void shouldReportNothingWhileTheMountTableCannotBeRead() {
        UsageReporter blind = new UsageReporter("node-a", KUBELET, () -> {
            throw new ResizeException(Reason.MOUNT_TABLE_UNREADABLE, "cannot read /proc/self/mountinfo", null);
        }, df, TIMEOUT, report -> CompletableFuture.completedFuture(null), meters);

        assertThat(blind.reportOnce()).isZero();
        assertThat(blind.reportOnce()).isZero();

        assertThat(df.calls()).isEmpty();
        assertThat(warnings()).singleElement().satisfies(line -> assertThat(line).contains("mountinfo"));
    }

    private String podMount(int id, String podUid, String pv) {
        String point = mountPoint(podUid, pv);
        mount(id, point);
        return point;
    }

    private static String mountPoint(String podUid, String pv) {
        return "/var/lib/kubelet/pods/" + podUid + "/volumes/kubernetes.io~csi/" + pv + "/mount";
    }

    private void mount(int id, String mountPoint) {
        mounts.add(MountInfoParser.parse(id + " 27 7:" + id + " / " + mountPoint + " rw,relatime shared:1 - xfs /dev/loop"
                + id + " rw"));
    }

    private static List<String> dfOf(String mountPoint) {
        return List.of("df", "-B1", "--output=size,used,itotal,iused", mountPoint);
    }

    private double counter(String name, String... reason) {
        var search = meters.find(name);
        if (reason.length > 0) {
            search = search.tag("reason", reason[0]);
        }
        var counter = search.counter();
        return counter == null ? 0.0 : counter.count();
    }

    private List<String> warnings() {
        return lines(Level.WARN);
    }

    private List<String> infos() {
        return lines(Level.INFO);
    }

    private List<String> lines(Level level) {
        return logs.list.stream().filter(event -> event.getLevel() == level).map(ILoggingEvent::getFormattedMessage)
                .toList();
    }

    private static Logger logger() {
        return (Logger) LoggerFactory.getLogger(UsageReporter.class);
    }
}
