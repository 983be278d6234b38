package io.pvcresizer.resize.ceph;

import static org.assertj.core.api.Assertions.assertThat;

import io.pvcresizer.common.events.FailureKind;
import io.pvcresizer.common.failure.ResizeException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Classifies the errors the real {@code rbd} and {@code ceph} printed on a real cluster (captured in ceph-output/). */
class CephErrorsTest {

    @ParameterizedTest(name = "{0} is {1} {2}")
    @CsvSource({
            "rbd-info-missing-image.txt, INFEASIBLE, VolumeNotFound",
            "rbd-resize-missing-image.txt, INFEASIBLE, VolumeNotFound",
            "rbd-info-missing-pool.txt, INFEASIBLE, VolumeNotFound",
            "cephfs-subvolume-resize-missing.txt, INFEASIBLE, VolumeNotFound",
            "cephfs-subvolume-info-missing-fs.txt, INFEASIBLE, VolumeNotFound",
            "rbd-resize-shrink-refused.txt, INFEASIBLE, ShrinkNotSupported",
            "cephfs-subvolume-resize-below-used.txt, INFEASIBLE, QuotaBelowUsedBytes",
            "rbd-info-cluster-stopped.txt, TRANSIENT, CephUnavailable",
            "rbd-info-cluster-paused.txt, TRANSIENT, CephUnavailable",
            "rbd-resize-cluster-stopped.txt, TRANSIENT, CephUnavailable",
            "cephfs-subvolume-resize-cluster-stopped.txt, TRANSIENT, CephUnavailable",
            "rbd-info-wrong-key.txt, FINAL, CephPermissionDenied",
            "rbd-resize-permission-denied.txt, FINAL, CephPermissionDenied",
    })
    void shouldClassifyWhatTheRealToolsPrinted(String capture, FailureKind kind, String reason) {
        ResizeException failure = CephErrors.classify(CephFixtures.captured(capture).as(List.of("rbd", "info", "x")), "rbd info x");

        assertThat(failure.kind()).isEqualTo(kind);
        assertThat(failure.reason()).isEqualTo(reason);
    }

    @Test
    void shouldQuoteTheToolsOwnWordsInTheMessage() {
        ResizeException failure = CephErrors.classify(CephFixtures.captured("rbd-info-missing-image.txt")
                .as(List.of("rbd", "info", "--format", "json", "rbd/missing")), "rbd info rbd/missing");

        assertThat(failure.getMessage()).isEqualTo("rbd info rbd/missing failed: rbd info --format json rbd/missing exited 2: "
                + "rbd: error opening image missing: (2) No such file or directory");
    }

    @Test
    void shouldReadTheLastErrnoOfStderr() {
        assertThat(CephErrors.errno("x (1) Operation not permitted\ny: (2) No such file or directory")).isEqualTo(2);
        assertThat(CephErrors.errno("timed out")).isEqualTo(-1);
    }
}
