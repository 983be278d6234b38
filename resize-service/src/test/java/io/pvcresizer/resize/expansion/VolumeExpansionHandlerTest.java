package io.pvcresizer.resize.expansion;

import io.pvcresizer.common.testing.ConfigurationBinding;
import io.pvcresizer.resize.ResizeProperties;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pvcresizer.common.events.FailureKind;
import io.pvcresizer.common.failure.Reason;
import io.pvcresizer.common.failure.ResizeException;
import io.pvcresizer.resize.TestRequests;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VolumeExpansionHandlerTest {

    private static final long MIB = 1024L * 1024L;

    private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    @Test
    void shouldReturnBackendResultAndCountExpansion() {
        VolumeExpansionHandler handler = handlerWith(FakeVolumeExpander.growing("rbd"));

        ExpansionResult result = handler.expand(rbdRequest("640Mi"));

        assertThat(result).isEqualTo(ExpansionResult.grown(640 * MIB, true));
        assertThat(count("rbd", "expanded")).isEqualTo(1.0);
        assertThat(meters.scrape()).contains("pvc_resizer_volume_expansion_seconds_count{backend=\"rbd\"} 1");
    }

    @Test
    void shouldCountVolumeAlreadyAtSizeSeparately() {
        VolumeExpansionHandler handler = handlerWith(new FakeVolumeExpander("rbd",
                request -> ExpansionResult.alreadyAt(request.targetBytes(), true)));

        handler.expand(rbdRequest("640Mi"));

        assertThat(count("rbd", "already_at_size")).isEqualTo(1.0);
        assertThat(count("rbd", "expanded")).isZero();
    }

    @Test
    void shouldCountEachFailureKindAndRethrowIt() {
        for (FailureKind kind : FailureKind.values()) {
            VolumeExpansionHandler handler = handlerWith(new FakeVolumeExpander("rbd", request -> {
                throw new ResizeException(reasonOf(kind), "broken");
            }));

            ResizeException failure = catchThrowableOfType(ResizeException.class,
                    () -> handler.expand(rbdRequest("640Mi")));

            assertThat(failure.kind()).isEqualTo(kind);
        }
        assertThat(count("rbd", "failed_transient")).isEqualTo(1.0);
        assertThat(count("rbd", "failed_final")).isEqualTo(1.0);
        assertThat(count("rbd", "infeasible")).isEqualTo(1.0);
    }

    @Test
    void shouldCountUnclassifiedBackendErrorAsTransient() {
        VolumeExpansionHandler handler = handlerWith(new FakeVolumeExpander("rbd", request -> {
            throw new IllegalStateException("bug in a backend");
        }));

        catchThrowableOfType(IllegalStateException.class, () -> handler.expand(rbdRequest("640Mi")));

        assertThat(count("rbd", "failed_transient")).isEqualTo(1.0);
    }

    @Test
    void shouldRefuseNonPositiveTargetWithoutCallingBackend() {
        FakeVolumeExpander rbd = FakeVolumeExpander.growing("rbd");
        VolumeExpansionHandler handler = handlerWith(rbd);

        ResizeException failure = catchThrowableOfType(ResizeException.class,
                () -> handler.expand(TestRequests.forVolume("pv-a").withDriver("rbd.csi.ceph.com").toBytes(0).build()));

        assertThat(failure.kind()).isEqualTo(FailureKind.INFEASIBLE);
        assertThat(failure.reason()).isEqualTo("InvalidSize");
        assertThat(rbd.requests()).isEmpty();
    }

    @Test
    void shouldFailWhenBackendReportsLessThanTarget() {
        VolumeExpansionHandler handler = handlerWith(new FakeVolumeExpander("rbd",
                request -> ExpansionResult.grown(request.targetBytes() - MIB, true)));

        ResizeException failure = catchThrowableOfType(ResizeException.class,
                () -> handler.expand(rbdRequest("640Mi")));

        assertThat(failure.kind()).isEqualTo(FailureKind.FINAL);
        assertThat(failure.reason()).isEqualTo("SizeBelowTarget");
        assertThat(count("rbd", "failed_final")).isEqualTo(1.0);
    }

    @Test
    void shouldCountUnknownDriverAsInfeasibleWithoutBackend() {
        VolumeExpansionHandler handler = handlerWith(FakeVolumeExpander.growing("rbd"));

        catchThrowableOfType(ResizeException.class,
                () -> handler.expand(TestRequests.forVolume("pv-a").withDriver("ebs.csi.aws.com").build()));

        assertThat(count("none", "infeasible")).isEqualTo(1.0);
    }

    @Test
    void shouldExposeEveryOutcomeOfEveryBackendFromStart() {
        handlerWith(FakeVolumeExpander.growing("rbd"));

        assertThat(meters.scrape()).contains(
                "pvc_resizer_volume_expansions_total{backend=\"rbd\",outcome=\"expanded\"} 0",
                "pvc_resizer_volume_expansions_total{backend=\"rbd\",outcome=\"already_at_size\"} 0",
                "pvc_resizer_volume_expansions_total{backend=\"rbd\",outcome=\"failed_transient\"} 0",
                "pvc_resizer_volume_expansions_total{backend=\"rbd\",outcome=\"failed_final\"} 0",
                "pvc_resizer_volume_expansions_total{backend=\"rbd\",outcome=\"infeasible\"} 0",
                "pvc_resizer_volume_expansion_seconds_count{backend=\"rbd\"} 0");
    }

    @Test
    void shouldRefuseATargetAboveTheBackendsMaximumWithoutCallingIt() {
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        VolumeExpander expander = new FakeVolumeExpander("rbd", request -> {
            calls.incrementAndGet();
            return ExpansionResult.grown(request.targetBytes(), true);
        });
        ExpanderRegistry registry = new ExpanderRegistry(List.of(expander), Map.of("rbd.csi.ceph.com", "rbd"));
        VolumeExpansionHandler handler = new VolumeExpansionHandler(registry, new ExpansionMetrics(meters, registry.backends()),
                ConfigurationBinding.defaults(ResizeProperties.class)::maxTargetBytes);

        ResizeException failure = catchThrowableOfType(ResizeException.class, () -> handler.expand(rbdRequest("7Ei")));

        assertThat(failure.kind()).isEqualTo(FailureKind.INFEASIBLE);
        assertThat(failure.reason()).isEqualTo(Reason.TARGET_TOO_LARGE.code());
        assertThat(failure.getMessage()).contains("backend rbd", Long.toString(64L << 40));
        assertThat(calls).hasValue(0);
        assertThat(handler.expand(rbdRequest("64Ti")).newSizeBytes()).isEqualTo(64L << 40);
    }

    private VolumeExpansionHandler handlerWith(VolumeExpander expander) {
        ExpanderRegistry registry = new ExpanderRegistry(List.of(expander), Map.of("rbd.csi.ceph.com", expander.backend()));
        return new VolumeExpansionHandler(registry, new ExpansionMetrics(meters, registry.backends()));
    }

    private static io.pvcresizer.common.events.VolumeExpansionRequested rbdRequest(String target) {
        return TestRequests.forVolume("pv-a").withDriver("rbd.csi.ceph.com").to(target).build();
    }

    private double count(String backend, String outcome) {
        return meters.get(ExpansionMetrics.EXPANSIONS).tag("backend", backend).tag("outcome", outcome).counter().count();
    }

    /** A catalogued reason of {@code kind}, for a test that is about the kind only. */
    private static Reason reasonOf(FailureKind kind) {
        return Arrays.stream(Reason.values()).filter(r -> r.kind() == kind).findFirst().orElseThrow();
    }
}
