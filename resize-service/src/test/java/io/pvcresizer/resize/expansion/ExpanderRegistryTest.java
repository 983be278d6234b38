package io.pvcresizer.resize.expansion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.pvcresizer.common.events.FailureKind;
import io.pvcresizer.common.failure.ResizeException;
import io.pvcresizer.resize.TestRequests;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExpanderRegistryTest {

    private final FakeVolumeExpander localFile = FakeVolumeExpander.growing("local-file");
    private final FakeVolumeExpander rbd = FakeVolumeExpander.growing("rbd");

    @Test
    void shouldChooseExpanderMappedToRequestDriver() {
        ExpanderRegistry registry = new ExpanderRegistry(List.of(localFile, rbd),
                Map.of("file.pvc-resizer.io", "local-file", "rbd.csi.ceph.com", "rbd"));

        assertThat(registry.expanderFor(TestRequests.forVolume("pv-a").withDriver("rbd.csi.ceph.com").build()))
                .isSameAs(rbd);
        assertThat(registry.expanderFor(TestRequests.forVolume("pv-b").withDriver("file.pvc-resizer.io").build()))
                .isSameAs(localFile);
    }

    @Test
    void shouldLetSeveralDriversShareOneBackend() {
        ExpanderRegistry registry = new ExpanderRegistry(List.of(rbd),
                Map.of("rbd.csi.ceph.com", "rbd", "openshift-storage.rbd.csi.ceph.com", "rbd"));

        assertThat(registry.expanderFor(TestRequests.forVolume("pv-a")
                .withDriver("openshift-storage.rbd.csi.ceph.com").build())).isSameAs(rbd);
    }

    @Test
    void shouldRefuseUnknownDriverAsInfeasibleNamingIt() {
        ExpanderRegistry registry = new ExpanderRegistry(List.of(localFile), Map.of("file.pvc-resizer.io", "local-file"));

        ResizeException failure = catchThrowableOfType(ResizeException.class,
                () -> registry.expanderFor(TestRequests.forVolume("pv-a").withDriver("ebs.csi.aws.com").build()));

        assertThat(failure.kind()).isEqualTo(FailureKind.INFEASIBLE);
        assertThat(failure.reason()).isEqualTo("NoBackendForDriver");
        assertThat(failure.getMessage()).contains("ebs.csi.aws.com", "pv-a", "pvc-resizer.resize.drivers");
    }

    @Test
    void shouldRefuseRequestWithoutDriverAsInfeasible() {
        ExpanderRegistry registry = new ExpanderRegistry(List.of(localFile), Map.of("file.pvc-resizer.io", "local-file"));

        ResizeException failure = catchThrowableOfType(ResizeException.class,
                () -> registry.expanderFor(TestRequests.forVolume("pv-a").withDriver(null).build()));

        assertThat(failure.kind()).isEqualTo(FailureKind.INFEASIBLE);
    }

    @Test
    void shouldFailAtStartWhenDriverIsMappedToMissingBackend() {
        assertThatThrownBy(() -> new ExpanderRegistry(List.of(localFile), Map.of("rbd.csi.ceph.com", "rbd")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("rbd.csi.ceph.com")
                .hasMessageContaining("local-file");
    }

    @Test
    void shouldFailAtStartWhenTwoExpandersClaimOneBackend() {
        assertThatThrownBy(() -> new ExpanderRegistry(List.of(rbd, FakeVolumeExpander.growing("rbd")), Map.of()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("rbd");
    }
}
