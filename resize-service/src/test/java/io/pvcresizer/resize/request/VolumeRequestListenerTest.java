package io.pvcresizer.resize.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pvcresizer.common.events.EventHeader;
import io.pvcresizer.common.events.FailureKind;
import io.pvcresizer.common.events.ResizeEvent;
import io.pvcresizer.common.events.VolumeExpanded;
import io.pvcresizer.common.events.VolumeExpansionFailed;
import io.pvcresizer.common.events.VolumeExpansionRequested;
import io.pvcresizer.common.failure.Reason;
import io.pvcresizer.common.failure.ResizeException;
import io.pvcresizer.common.topics.Topics;
import io.pvcresizer.resize.TestRequests;
import io.pvcresizer.resize.expansion.ExpanderRegistry;
import io.pvcresizer.resize.expansion.ExpansionMetrics;
import io.pvcresizer.resize.expansion.ExpansionResult;
import io.pvcresizer.resize.expansion.FakeVolumeExpander;
import io.pvcresizer.resize.expansion.VolumeExpansionHandler;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class VolumeRequestListenerTest {

    private static final long MIB = 1024L * 1024L;

    private final RecordingResultPublisher publisher = new RecordingResultPublisher();

    @Test
    void shouldPublishVolumeExpandedInRequestOperation() {
        VolumeExpansionRequested request = rbdRequest();

        listenerWith(new FakeVolumeExpander("rbd", r -> ExpansionResult.grown(641 * MIB, false))).onRequest(record(request));

        assertThat(publisher.published()).singleElement().isInstanceOfSatisfying(VolumeExpanded.class, expanded -> {
            assertThat(expanded.newSizeBytes()).isEqualTo(641 * MIB);
            assertThat(expanded.targetBytes()).isEqualTo(640 * MIB);
            assertThat(expanded.nodeExpansionRequired()).isFalse();
            assertThat(expanded.operationId()).isEqualTo(request.operationId());
            assertThat(expanded.volume()).isEqualTo(request.volume());
            assertThat(expanded.header().eventId()).isNotEqualTo(request.header().eventId());
        });
    }

    @Test
    void shouldPublishFailureAndNotRetryInfeasibleExpansion() {
        VolumeExpansionRequested request = rbdRequest();

        listenerWith(failingWith(new ResizeException(Reason.VOLUME_NOT_FOUND, "no image"))).onRequest(record(request));

        assertThat(publisher.published()).singleElement().isInstanceOfSatisfying(VolumeExpansionFailed.class, failed -> {
            assertThat(failed.kind()).isEqualTo(FailureKind.INFEASIBLE);
            assertThat(failed.reason()).isEqualTo("VolumeNotFound");
            assertThat(failed.message()).isEqualTo("no image");
            assertThat(failed.operationId()).isEqualTo(request.operationId());
        });
    }

    @Test
    void shouldPublishFailureAndNotRetryFinalFailure() {
        listenerWith(failingWith(new ResizeException(Reason.CEPH_COMMAND_FAILED, "pool full"))).onRequest(record(rbdRequest()));

        assertThat(publisher.published()).singleElement().isInstanceOfSatisfying(VolumeExpansionFailed.class,
                failed -> assertThat(failed.kind()).isEqualTo(FailureKind.FINAL));
    }

    @Test
    void shouldRethrowTransientFailureForRetryWithoutPublishing() {
        VolumeRequestListener listener = listenerWith(
                failingWith(new ResizeException(Reason.BACKEND_BUSY, "EBUSY", null)));

        ResizeException failure = catchThrowableOfType(ResizeException.class, () -> listener.onRequest(record(rbdRequest())));

        assertThat(failure.kind()).isEqualTo(FailureKind.TRANSIENT);
        assertThat(publisher.published()).isEmpty();
    }

    @Test
    void shouldFailForRetryWhenResultCannotBePublished() {
        publisher.goDown();
        VolumeRequestListener listener = listenerWith(FakeVolumeExpander.growing("rbd"));

        ResizeException failure = catchThrowableOfType(ResizeException.class, () -> listener.onRequest(record(rbdRequest())));

        assertThat(failure.kind()).isEqualTo(FailureKind.TRANSIENT);
    }

    @Test
    void shouldRefuseOtherEventTypesAsNotRetryable() {
        VolumeExpansionRequested request = rbdRequest();
        ResizeEvent notARequest = new VolumeExpanded(EventHeader.next("op", request.volume()), 1, 1, false);

        catchThrowableOfType(io.pvcresizer.common.kafka.UnexpectedRecordException.class,
                () -> listenerWith(FakeVolumeExpander.growing("rbd")).onRequest(record(notARequest)));

        assertThat(publisher.published()).isEmpty();
    }

    private VolumeRequestListener listenerWith(FakeVolumeExpander expander) {
        ExpanderRegistry registry = new ExpanderRegistry(List.of(expander), Map.of("rbd.csi.ceph.com", expander.backend()));
        return new VolumeRequestListener(
                new VolumeExpansionHandler(registry, new ExpansionMetrics(new SimpleMeterRegistry(), registry.backends())),
                publisher, "pvc-resize.volume-requests", "resize-service");
    }

    private static FakeVolumeExpander failingWith(ResizeException failure) {
        return new FakeVolumeExpander("rbd", request -> {
            throw failure;
        });
    }

    private static VolumeExpansionRequested rbdRequest() {
        return TestRequests.forVolume("pv-a").withDriver("rbd.csi.ceph.com").from("320Mi").to("640Mi").build();
    }

    private static ConsumerRecord<String, ResizeEvent> record(ResizeEvent event) {
        return new ConsumerRecord<>(Topics.VOLUME_REQUESTS_NAME, 0, 0L, event.volume().pvName(), event);
    }
}
