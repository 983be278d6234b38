package io.pvcresizer.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.pvcresizer.common.failure.Reason;
import io.pvcresizer.common.failure.ResizeException;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.junit.jupiter.api.Test;

/** The reason headers a dead letter gets, from the failure that gave it up. */
class DeadLetterHeadersTest {

    @Test
    void shouldSayRetriesExhaustedForATransientFailureAndFailedNotRetriedForAFinalOne() {
        Headers transientOne = DeadLetterHeaders.forFailure("resize-service",
                new RuntimeException("listener failed", new ResizeException(Reason.CEPH_UNAVAILABLE, "no monitor answered")));
        Headers finalOne = DeadLetterHeaders.forFailure("watcher-service",
                new ResizeException(Reason.KUBERNETES_API_FORBIDDEN, "PUT persistentvolumeclaims/status: 403 Forbidden"));

        assertThat(text(transientOne, DeadLetterHeaders.REASON)).isEqualTo(DeadLetterHeaders.REASON_RETRIES_EXHAUSTED);
        assertThat(text(transientOne, DeadLetterHeaders.FAILURE_REASON)).isEqualTo("CephUnavailable");
        assertThat(text(transientOne, DeadLetterHeaders.DETAIL)).isEqualTo("no monitor answered");
        assertThat(text(finalOne, DeadLetterHeaders.REASON)).isEqualTo(DeadLetterHeaders.REASON_NOT_RETRIED);
        assertThat(text(finalOne, DeadLetterHeaders.FAILURE_REASON)).isEqualTo("KubernetesApiForbidden");
        assertThat(text(finalOne, DeadLetterHeaders.SERVICE)).isEqualTo("watcher-service");
    }

    @Test
    void shouldSayUntrustedOrUnexpectedForARecordThatMustNotBeApplied() {
        assertThat(text(DeadLetterHeaders.forFailure("watcher-service", new UntrustedRecordException("names PV pv-x")),
                DeadLetterHeaders.REASON)).isEqualTo(DeadLetterHeaders.REASON_UNTRUSTED_RECORD);
        assertThat(text(DeadLetterHeaders.forFailure("fs-service", new UnexpectedRecordException("not read here")),
                DeadLetterHeaders.REASON)).isEqualTo(DeadLetterHeaders.REASON_UNEXPECTED_RECORD);
    }

    private static String text(Headers headers, String name) {
        return headers.lastHeader(name) == null ? null
                : new String(headers.lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
