package io.pvcresizer.resize.request;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.pvcresizer.common.events.EventHeader;
import io.pvcresizer.common.events.FailureKind;
import io.pvcresizer.common.events.VolumeExpanded;
import io.pvcresizer.common.events.VolumeExpansionFailed;
import io.pvcresizer.common.events.VolumeExpansionRequested;
import io.pvcresizer.common.failure.Reason;
import io.pvcresizer.common.failure.ResizeException;
import io.pvcresizer.common.kafka.RetriesExhaustedReporter;
import io.pvcresizer.common.topics.Topics;
import io.pvcresizer.resize.TestRequests;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.listener.ListenerExecutionFailedException;

/** Reports a volume request whose retries ran out as a transient volume failure. */
class ExhaustedRequestReporterTest {

    private final RecordingResultPublisher publisher = new RecordingResultPublisher();
    private final RetriesExhaustedReporter<VolumeExpansionRequested> reporter =
            VolumeRequestListener.exhaustedReporter(publisher);
    private final VolumeExpansionRequested request = TestRequests.forVolume("pv-a").to("640Mi").build();

    @Test
    void shouldPublishTransientFailureWithReasonOfLastError() {
        Exception cause = new ListenerExecutionFailedException("listener failed",
                new ResizeException(Reason.BACKEND_BUSY, "EBUSY from the backend", null));

        reporter.onRetriesExhausted(record(request), cause);

        assertThat(publisher.published()).singleElement().isInstanceOfSatisfying(VolumeExpansionFailed.class, failed -> {
            assertThat(failed.kind()).isEqualTo(FailureKind.TRANSIENT);
            assertThat(failed.reason()).isEqualTo("BackendBusy");
            assertThat(failed.message()).contains("EBUSY from the backend");
            assertThat(failed.operationId()).isEqualTo(request.operationId());
            assertThat(failed.targetBytes()).isEqualTo(request.targetBytes());
        });
    }

    @Test
    void shouldSayRetriesExhaustedWhenLastErrorHasNoReason() {
        reporter.onRetriesExhausted(record(request),
                new ListenerExecutionFailedException("listener failed", new IllegalStateException("socket closed")));

        assertThat(publisher.published()).singleElement().isInstanceOfSatisfying(VolumeExpansionFailed.class, failed -> {
            assertThat(failed.reason()).isEqualTo("RetriesExhausted");
            assertThat(failed.message()).contains("socket closed");
        });
    }

    @Test
    void shouldIgnoreRecordsThatAreNotRequests() {
        var other = new VolumeExpanded(EventHeader.next("op", request.volume()), 1, 1, false);

        reporter.onRetriesExhausted(new ConsumerRecord<>(Topics.VOLUME_REQUESTS_NAME, 0, 0L, "pv-a", other),
                new IllegalArgumentException("wrong type"));

        assertThat(publisher.published()).isEmpty();
    }

    @Test
    void shouldNotThrowWhenFailureCannotBePublished() {
        publisher.goDown();

        assertThatCode(() -> reporter.onRetriesExhausted(record(request), new IllegalStateException("x")))
                .doesNotThrowAnyException();
    }

    private static ConsumerRecord<String, Object> record(VolumeExpansionRequested request) {
        return new ConsumerRecord<>(Topics.VOLUME_REQUESTS_NAME, 0, 0L, request.volume().pvName(), request);
    }
}
