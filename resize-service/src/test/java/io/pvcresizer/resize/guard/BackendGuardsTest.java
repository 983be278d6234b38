package io.pvcresizer.resize.guard;

import io.pvcresizer.common.testing.ConfigurationBinding;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.github.resilience4j.micrometer.tagged.TaggedBulkheadMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedRetryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pvcresizer.common.events.FailureKind;
import io.pvcresizer.common.events.VolumeExpansionRequested;
import io.pvcresizer.common.failure.Reason;
import io.pvcresizer.common.failure.ResizeException;
import io.pvcresizer.resize.TestRequests;
import io.pvcresizer.resize.expansion.ExpanderRegistry;
import io.pvcresizer.resize.expansion.ExpansionResult;
import io.pvcresizer.resize.expansion.FakeVolumeExpander;
import io.pvcresizer.resize.expansion.VolumeExpander;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class BackendGuardsTest {

    private static final List<String> BACKENDS = List.of("local-file", "rbd", "cephfs");
    private static final GuardSettings.Retry QUICK_RETRY = new GuardSettings.Retry(2, Duration.ofMillis(10));

    private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final ExecutorService executor = Executors.newSingleThreadExecutor();

    @AfterEach
    void stopExecutor() {
        executor.shutdownNow();
    }

    @Test
    void shouldRetryTransientFailureOnceInPlaceAndSucceed() {
        FakeVolumeExpander rbd = failingFirst("rbd", 1, FailureKind.TRANSIENT);
        VolumeExpander guarded = guards(settings(4, QUICK_RETRY, Map.of())).guard(rbd);

        ExpansionResult result = guarded.expand(request());

        assertThat(result.newSizeBytes()).isEqualTo(request().targetBytes());
        assertThat(rbd.requests()).as("first attempt and one in-place retry").hasSize(2);
        assertThat(meters.scrape()).contains(
                "resilience4j_retry_calls_total{kind=\"successful_with_retry\",name=\"rbd\"} 1");
    }

    @Test
    void shouldGiveUpAfterMaxAttemptsWithLastTransientFailure() {
        FakeVolumeExpander rbd = failingFirst("rbd", 5, FailureKind.TRANSIENT);
        VolumeExpander guarded = guards(settings(4, QUICK_RETRY, Map.of())).guard(rbd);

        ResizeException failure = catchThrowableOfType(ResizeException.class, () -> guarded.expand(request()));

        assertThat(failure.kind()).isEqualTo(FailureKind.TRANSIENT);
        assertThat(failure.reason()).isEqualTo(reasonOf(FailureKind.TRANSIENT).code());
        assertThat(rbd.requests()).hasSize(2);
        assertThat(meters.scrape()).contains(
                "resilience4j_retry_calls_total{kind=\"failed_with_retry\",name=\"rbd\"} 1");
    }

    @ParameterizedTest
    @EnumSource(value = FailureKind.class, names = {"FINAL", "INFEASIBLE"})
    void shouldNeverRetryFinalOrInfeasibleFailure(FailureKind kind) {
        FakeVolumeExpander rbd = failingFirst("rbd", 5, kind);
        VolumeExpander guarded = guards(settings(4, QUICK_RETRY, Map.of())).guard(rbd);

        ResizeException failure = catchThrowableOfType(ResizeException.class, () -> guarded.expand(request()));

        assertThat(failure.kind()).isEqualTo(kind);
        assertThat(rbd.requests()).as(kind + " is not retried").hasSize(1);
        assertThat(meters.scrape()).contains(
                "resilience4j_retry_calls_total{kind=\"failed_without_retry\",name=\"rbd\"} 1");
    }

    @Test
    void shouldNotRetryUnclassifiedFailureInPlace() {
        FakeVolumeExpander rbd = new FakeVolumeExpander("rbd", request -> {
            throw new IllegalStateException("bug in a backend");
        });
        VolumeExpander guarded = guards(settings(4, QUICK_RETRY, Map.of())).guard(rbd);

        assertThatThrownBy(() -> guarded.expand(request())).isInstanceOf(IllegalStateException.class);
        assertThat(rbd.requests()).hasSize(1);
    }

    @Test
    void shouldRefuseCallOverTheLimitAtOnceAsTransientBackendBusy() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        FakeVolumeExpander slow = blockingUntil("rbd", release);
        VolumeExpander guarded = guards(settings(1, QUICK_RETRY, Map.of())).guard(slow);
        CompletableFuture<ExpansionResult> first = CompletableFuture.supplyAsync(() -> guarded.expand(request()), executor);
        await().atMost(Duration.ofSeconds(10)).until(() -> slow.requests().size() == 1);

        ResizeException busy = catchThrowableOfType(ResizeException.class, () -> guarded.expand(request()));

        assertThat(busy.kind()).isEqualTo(FailureKind.TRANSIENT);
        assertThat(busy.reason()).isEqualTo(Reason.BACKEND_BUSY.code());
        assertThat(busy.getMessage()).contains("backend rbd is busy", "all 1 of its concurrent calls",
                "pvc-resizer.resize.guard.max-concurrent-calls");
        assertThat(slow.requests()).as("the refused call never reached the backend").hasSize(1);
        assertThat(meters.scrape()).contains("resilience4j_bulkhead_available_concurrent_calls{name=\"rbd\"} 0");

        release.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS).newSizeBytes()).isEqualTo(request().targetBytes());
        assertThat(guarded.expand(request())).as("the slot is free again").isNotNull();
        assertThat(meters.scrape()).contains("resilience4j_bulkhead_available_concurrent_calls{name=\"rbd\"} 1");
    }

    @Test
    void shouldNotRetryBusyRefusalInPlace() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        FakeVolumeExpander slow = blockingUntil("rbd", release);
        BackendGuards guards = guards(settings(1, new GuardSettings.Retry(3, Duration.ofMillis(10)), Map.of()));
        VolumeExpander guarded = guards.guard(slow);
        CompletableFuture<ExpansionResult> first = CompletableFuture.supplyAsync(() -> guarded.expand(request()), executor);
        await().atMost(Duration.ofSeconds(10)).until(() -> slow.requests().size() == 1);

        catchThrowableOfType(ResizeException.class, () -> guarded.expand(request()));

        assertThat(guards.retries().retry("rbd").getMetrics().getNumberOfTotalCalls())
                .as("a refused call never enters the retry").isZero();
        release.countDown();
        first.get(10, TimeUnit.SECONDS);
    }

    @Test
    void shouldApplyPerBackendOverrideAndInheritTheRest() {
        GuardSettings settings = settings(4, QUICK_RETRY, Map.of("rbd",
                new GuardSettings.Backend(1, null, new GuardSettings.RetryOverride(1, null))));
        BackendGuards guards = guards(settings);
        FakeVolumeExpander rbd = failingFirst("rbd", 1, FailureKind.TRANSIENT);
        FakeVolumeExpander cephfs = failingFirst("cephfs", 1, FailureKind.TRANSIENT);

        ResizeException failure = catchThrowableOfType(ResizeException.class, () -> guards.guard(rbd).expand(request()));
        guards.guard(cephfs).expand(request());

        assertThat(failure.kind()).isEqualTo(FailureKind.TRANSIENT);
        assertThat(rbd.requests()).as("rbd: max-attempts 1, no in-place retry").hasSize(1);
        assertThat(cephfs.requests()).as("cephfs: the default, one in-place retry").hasSize(2);
        assertThat(guards.bulkheads().bulkhead("rbd").getBulkheadConfig().getMaxConcurrentCalls()).isEqualTo(1);
        assertThat(guards.bulkheads().bulkhead("cephfs").getBulkheadConfig().getMaxConcurrentCalls()).isEqualTo(4);
        assertThat(settings.limitsFor("rbd")).isEqualTo(
                new GuardSettings.Limits("rbd", 1, Duration.ZERO, 1, Duration.ofMillis(10)));
        assertThat(meters.scrape()).contains(
                "resilience4j_bulkhead_max_allowed_concurrent_calls{name=\"rbd\"} 1",
                "resilience4j_bulkhead_max_allowed_concurrent_calls{name=\"cephfs\"} 4");
    }

    @Test
    void shouldExportMetricsOfEveryBackendFromStart() {
        guards(ConfigurationBinding.defaults(GuardSettings.class));

        assertThat(meters.scrape()).contains(
                "resilience4j_bulkhead_available_concurrent_calls{name=\"local-file\"} 4",
                "resilience4j_bulkhead_available_concurrent_calls{name=\"rbd\"} 4",
                "resilience4j_bulkhead_available_concurrent_calls{name=\"cephfs\"} 4",
                "resilience4j_retry_calls_total{kind=\"successful_without_retry\",name=\"rbd\"} 0");
    }

    @Test
    void shouldStopAtStartWhenOverrideNamesNoBackend() {
        GuardSettings settings = settings(4, QUICK_RETRY, Map.of("rdb", new GuardSettings.Backend(1, null, null)));

        assertThatThrownBy(() -> guards(settings))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pvc-resizer.resize.guard.backends.rdb names no backend")
                .hasMessageContaining("rbd");
    }

    @Test
    void shouldStopAtStartOnLimitOutOfRange() {
        GuardSettings settings = settings(4, QUICK_RETRY, Map.of("rbd", new GuardSettings.Backend(0, null, null)));

        assertThatThrownBy(() -> guards(settings))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("max-concurrent-calls must be at least 1, got 0");
    }

    @Test
    void shouldHandOutGuardedBackendsThroughTheRegistry() {
        FakeVolumeExpander rbd = failingFirst("rbd", 1, FailureKind.TRANSIENT);
        ExpanderRegistry registry = new ExpanderRegistry(List.of(rbd), Map.of("rbd.csi.ceph.com", "rbd"),
                guards(settings(4, QUICK_RETRY, Map.of()))::guard);

        VolumeExpander chosen = registry.expanderFor(request());
        chosen.expand(request());

        assertThat(chosen).isInstanceOf(GuardedVolumeExpander.class);
        assertThat(chosen.backend()).isEqualTo("rbd");
        assertThat(rbd.requests()).hasSize(2);
    }

    private BackendGuards guards(GuardSettings settings) {
        BackendGuards guards = new BackendGuards(settings, BACKENDS);
        TaggedBulkheadMetrics.ofBulkheadRegistry(guards.bulkheads()).bindTo(meters);
        TaggedRetryMetrics.ofRetryRegistry(guards.retries()).bindTo(meters);
        return guards;
    }

    private static GuardSettings settings(int maxConcurrentCalls, GuardSettings.Retry retry,
            Map<String, GuardSettings.Backend> backends) {
        return new GuardSettings(maxConcurrentCalls, Duration.ZERO, retry, backends);
    }

    /** A backend whose first {@code failures} calls fail with {@code kind}, and whose later calls grow the volume. */
    private static FakeVolumeExpander failingFirst(String backend, int failures, FailureKind kind) {
        AtomicInteger calls = new AtomicInteger();
        return new FakeVolumeExpander(backend, request -> {
            if (calls.incrementAndGet() <= failures) {
                throw new ResizeException(reasonOf(kind), "broken, call " + calls.get());
            }
            return ExpansionResult.grown(request.targetBytes(), true);
        });
    }

    /** A backend whose first call holds its slot until {@code release} is counted down. */
    private static FakeVolumeExpander blockingUntil(String backend, CountDownLatch release) {
        AtomicInteger calls = new AtomicInteger();
        return new FakeVolumeExpander(backend, request -> {
            if (calls.incrementAndGet() == 1) {
                try {
                    if (!release.await(30, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("never released");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
            return ExpansionResult.grown(request.targetBytes(), true);
        });
    }

    private static VolumeExpansionRequested request() {
        return TestRequests.forVolume("pv-a").withDriver("rbd.csi.ceph.com").to("640Mi").build();
    }

    /** A catalogued reason of {@code kind}, for a test that is about the kind only. */
    private static Reason reasonOf(FailureKind kind) {
        return Arrays.stream(Reason.values()).filter(r -> r.kind() == kind).findFirst().orElseThrow();
    }
}
