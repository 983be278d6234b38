package io.pvcresizer.csi;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.pvcresizer.common.events.FailureKind;
import io.pvcresizer.common.failure.ResizeException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CsiErrorsTest {

    @ParameterizedTest(name = "{0} is {1} with reason {2}")
    @CsvSource({
            "INVALID_ARGUMENT, INFEASIBLE, CsiInvalidArgument",
            "OUT_OF_RANGE, INFEASIBLE, CsiOutOfRange",
            "NOT_FOUND, INFEASIBLE, CsiNotFound",
            "DEADLINE_EXCEEDED, TRANSIENT, CsiDeadlineExceeded",
            "ABORTED, TRANSIENT, CsiAborted",
            "UNAVAILABLE, TRANSIENT, CsiUnavailable",
            "RESOURCE_EXHAUSTED, TRANSIENT, CsiResourceExhausted",
            "CANCELLED, TRANSIENT, CsiCancelled",
            "FAILED_PRECONDITION, FINAL, VolumeInUse",
            "INTERNAL, FINAL, CsiInternal",
            "UNIMPLEMENTED, FINAL, CsiUnimplemented",
            "PERMISSION_DENIED, FINAL, CsiPermissionDenied",
    })
    void shouldClassifyEachCodeAsTheKubernetesResizerDoes(Status.Code code, FailureKind kind, String reason) {
        ResizeException e = CsiErrors.toResizeException("ControllerExpandVolume", "d", "v",
                code.toStatus().withDescription("why").asRuntimeException());

        assertThat(e.kind()).isEqualTo(kind);
        assertThat(e.reason()).isEqualTo(reason);
        assertThat(e.getMessage()).startsWith("ControllerExpandVolume of volume v by driver d failed: rpc error: code = ");
    }

    @ParameterizedTest(name = "{0} prints as {1}")
    @CsvSource({"OUT_OF_RANGE, OutOfRange", "FAILED_PRECONDITION, FailedPrecondition", "CANCELLED, Canceled"})
    void shouldPrintTheCodeAsGoGrpcDoes(Status.Code code, String printed) {
        assertThat(CsiErrors.rpcError(code.toStatus().withDescription("x"))).isEqualTo("rpc error: code = " + printed + " desc = x");
    }
}
