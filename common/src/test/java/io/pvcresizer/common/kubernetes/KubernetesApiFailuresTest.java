package io.pvcresizer.common.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.pvcresizer.common.events.FailureKind;
import io.pvcresizer.common.failure.Reason;
import io.pvcresizer.common.failure.ResizeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KubernetesApiFailuresTest {

    @ParameterizedTest(name = "HTTP {0} is {1} {2}")
    @CsvSource({
            "409, TRANSIENT, KubernetesConflict",
            "429, TRANSIENT, KubernetesApiUnavailable",
            "500, TRANSIENT, KubernetesApiUnavailable",
            "503, TRANSIENT, KubernetesApiUnavailable",
            "408, TRANSIENT, KubernetesApiUnavailable",
            "0, TRANSIENT, KubernetesApiUnavailable",
            "401, FINAL, KubernetesApiForbidden",
            "403, FINAL, KubernetesApiForbidden",
            "404, FINAL, KubernetesObjectGone",
            "410, FINAL, KubernetesObjectGone",
            "400, FINAL, KubernetesApiRejected",
            "422, FINAL, KubernetesApiRejected",
    })
    void shouldRetryOnlyWhatMayPassWhenTriedAgain(int code, FailureKind kind, String reason) {
        assertThat(KubernetesApiFailures.reasonOf(code).kind()).isEqualTo(kind);
        assertThat(KubernetesApiFailures.reasonOf(code).code()).isEqualTo(reason);
    }

    @Test
    void shouldNameWhatFailedAndTheStatus() {
        ResizeException failure = KubernetesApiFailures.classify("update status of claim ns/data",
                new KubernetesClientException("Forbidden: cannot patch", 403, null));

        assertThat(failure.catalogued()).isEqualTo(Reason.KUBERNETES_API_FORBIDDEN);
        assertThat(failure.getMessage()).isEqualTo("update status of claim ns/data failed (HTTP 403): Forbidden: cannot patch");
    }
}
