package io.pvcresizer.fs.listener;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pvcresizer.common.events.FailureKind;
import io.pvcresizer.common.events.FilesystemExpansionRequested;
import io.pvcresizer.common.failure.Reason;
import io.pvcresizer.common.failure.ResizeException;
import io.pvcresizer.common.kafka.RetriesExhaustedReporter;
import io.pvcresizer.common.topics.Topics;
import io.pvcresizer.fs.metrics.ExpansionMetrics;
import io.pvcresizer.fs.routing.OwnNodeFilter;
import io.pvcresizer.fs.testing.TestRequests;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.listener.ListenerExecutionFailedException;

/** Reports this node's requests whose retries ran out as transient node failures. */
class RetriesExhaustedReporterTest {

    private final RecordingNodeResultPublisher publisher = new RecordingNodeResultPublisher();
    private final RetriesExhaustedReporter<FilesystemExpansionRequested> reporter = NodeRequestListener.exhaustedReporter(
            new OwnNodeFilter("node-a"), publisher, new ExpansionMetrics(new SimpleMeterRegistry()));

    @Test
    void shouldPublishATransientFailureWithTheReasonOfTheLastFailure() {
        ResizeException cause = new ResizeException(Reason.VOLUME_NOT_ON_NODE, "not mounted here", null);

        reporter.onRetriesExhausted(record("node-a", TestRequests.forNode("node-a").build()),
                new ListenerExecutionFailedException("listener failed", cause));

        assertThat(publisher.failed).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(FailureKind.TRANSIENT);
            assertThat(f.reason()).isEqualTo("VolumeNotOnNode");
            assertThat(f.message()).contains("gave up after retries", "not mounted here");
        });
    }

    @Test
    void shouldReportAnUnclassifiedFailureAsRetriesExhausted() {
        reporter.onRetriesExhausted(record("node-a", TestRequests.forNode("node-a").build()),
                new ListenerExecutionFailedException("listener failed", new IllegalStateException("boom")));

        assertThat(publisher.failed).singleElement().satisfies(f -> {
            assertThat(f.reason()).isEqualTo("RetriesExhausted");
            assertThat(f.message()).contains("boom");
        });
    }

    @Test
    void shouldIgnoreRecordsThatAreNotThisNodesRequests() {
        reporter.onRetriesExhausted(record("node-b", TestRequests.forNode("node-b").build()), new IllegalStateException("x"));
        reporter.onRetriesExhausted(new ConsumerRecord<>(Topics.NODE_REQUESTS_NAME, 0, 1L, "node-a", "not an event"),
                new IllegalArgumentException("x"));

        assertThat(publisher.failed).isEmpty();
    }

    private static ConsumerRecord<String, Object> record(String key, Object value) {
        return new ConsumerRecord<>(Topics.NODE_REQUESTS_NAME, 0, 3L, key, value);
    }
}
