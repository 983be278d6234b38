package io.pvcresizer.fs.usage;

import static io.pvcresizer.common.testing.LoopVolume.assumeLoopDevices;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pvcresizer.common.command.ProcessCommandRunner;
import io.pvcresizer.common.events.VolumeUsageReported;
import io.pvcresizer.common.testing.LoopVolume;
import io.pvcresizer.fs.mount.ProcMountTable;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The usage of a real ext4 volume mounted where kubelet mounts a pod's volume, measured by the real df. */
class UsageReporterIT {

    private static final long MIB = 1024L * 1024L;

    @TempDir
    Path root;

    @Test
    void shouldReportWhatStatfsSeesOfAVolumeMountedForAPod() throws IOException {
        assumeLoopDevices("mkfs.ext4", "df");
        Path kubelet = root.resolve("kubelet");
        String podUid = UUID.randomUUID().toString();
        Path mountPoint = kubelet.resolve(Path.of("pods", podUid, "volumes", "kubernetes.io~csi", "pv-usage-it", "mount"));
        List<VolumeUsageReported> reports = new ArrayList<>();
        UsageReporter reporter = new UsageReporter("node-a", kubelet, new ProcMountTable(Path.of("/proc/self/mountinfo")),
                new ProcessCommandRunner(), Duration.ofSeconds(5), report -> {
                    reports.add(report);
                    return CompletableFuture.completedFuture(null);
                }, new SimpleMeterRegistry());
        try (LoopVolume volume = LoopVolume.create(root.resolve("usage.img"), 64 * MIB, "ext4")) {
            volume.mountAt(mountPoint);
            Files.write(mountPoint.resolve("data"), new byte[(int) (3 * MIB)]);
            Files.createDirectories(mountPoint.resolve("a/b/c"));

            assertThat(reporter.reportOnce()).isEqualTo(1);

            FileStore statfs = Files.getFileStore(mountPoint);
            assertThat(reports).singleElement().satisfies(report -> {
                assertThat(report.header().volume().pvName()).isEqualTo("pv-usage-it");
                assertThat(report.podUid()).isEqualTo(podUid);
                assertThat(report.nodeName()).isEqualTo("node-a");
                assertThat(report.totalBytes()).isEqualTo(statfs.getTotalSpace());
                assertThat(report.usedBytes()).isEqualTo(statfs.getTotalSpace() - statfs.getUnallocatedSpace())
                        .isGreaterThanOrEqualTo(3 * MIB);
                assertThat(report.totalInodes()).isPositive();
                assertThat(report.usedInodes()).isBetween(14L, report.totalInodes());
            });
            volume.unmount();
        }
    }
}
