package io.pvcresizer.common.failure;

import static org.assertj.core.api.Assertions.assertThat;

import io.pvcresizer.common.events.FailureKind;
import io.pvcresizer.common.kafka.EventDecodingException;
import io.pvcresizer.common.kafka.UnexpectedRecordException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.kafka.listener.ListenerExecutionFailedException;

class FailureHandlingTest {

    @ParameterizedTest(name = "a {0} failure leads to {1}")
    @CsvSource({"TRANSIENT, RETRY", "FINAL, FAILURE_EVENT", "INFEASIBLE, FAILURE_EVENT"})
    void shouldRetryOnlyTransientFailures(FailureKind kind, FailureHandling handling) {
        assertThat(FailureHandling.of(kind)).isEqualTo(handling);
    }

    @Test
    void shouldHandleAWrappedResizeFailureByItsReasonsKind() {
        assertThat(FailureHandling.of(wrapped(new ResizeException(Reason.CEPH_TIMEOUT, "slow")))).isEqualTo(FailureHandling.RETRY);
        assertThat(FailureHandling.of(wrapped(new ResizeException(Reason.KUBERNETES_API_FORBIDDEN, "403"))))
                .isEqualTo(FailureHandling.FAILURE_EVENT);
    }

    @Test
    void shouldDeadLetterARejectedRecordAtOnce() {
        assertThat(FailureHandling.of(wrapped(new UnexpectedRecordException("a result on a request topic"))))
                .isEqualTo(FailureHandling.DEAD_LETTER);
        assertThat(FailureHandling.of(new EventDecodingException(EventDecodingException.Reason.MALFORMED, "not JSON")))
                .isEqualTo(FailureHandling.DEAD_LETTER);
    }

    @Test
    void shouldRetryAnUnclassifiedFailure() {
        assertThat(FailureHandling.of(wrapped(new IllegalStateException("socket closed")))).isEqualTo(FailureHandling.RETRY);
    }

    @Test
    void shouldGiveEveryReasonItsOwnUpperCamelCaseCode() {
        List<String> codes = Arrays.stream(Reason.values()).map(Reason::code).toList();

        assertThat(new HashSet<>(codes)).hasSameSizeAs(codes);
        assertThat(codes).allMatch(code -> code.matches("[A-Z][A-Za-z]+"));
        assertThat(Reason.ofCode("VolumeNotOnNode")).contains(Reason.VOLUME_NOT_ON_NODE);
        assertThat(Reason.ofCode("NoSuchReason")).isEmpty();
    }

    @Test
    void shouldKeepTheBackendsMissingVolumeApartFromOneNotYetOnTheNode() {
        assertThat(Reason.VOLUME_NOT_FOUND.kind()).isEqualTo(FailureKind.INFEASIBLE);
        assertThat(Reason.VOLUME_NOT_ON_NODE.kind()).isEqualTo(FailureKind.TRANSIENT);
    }

    private static Exception wrapped(Throwable failure) {
        return new ListenerExecutionFailedException("listener failed", failure);
    }
}
