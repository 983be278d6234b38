package io.pvcresizer.common.kafka;

import io.pvcresizer.common.failure.Causes;
import io.pvcresizer.common.failure.ResizeException;
import io.pvcresizer.common.text.BoundedText;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The headers pvc-resizer adds to a dead-lettered record, beside spring-kafka's own {@code kafka_dlt-*} ones: a short
 * reason code an operator can filter on and the service that gave the record up.
 */
public final class DeadLetterHeaders {

    /**
     * Short reason: {@code malformed-record}, {@code unknown-event-type}, {@code unsupported-schema-version} (poison,
     * never retried), {@code unexpected-record} (a valid event on a topic that does not carry it, never retried) or
     * {@code retries-exhausted}.
     */
    public static final String REASON = "pvc-resizer-dlt-reason";
    /** The failure's reason code when a resize step failed ({@code CephUnavailable}, …: a {@code Reason} code). */
    public static final String FAILURE_REASON = "pvc-resizer-dlt-failure-reason";
    /** What exactly was wrong, in one line: the decoding error or the failure message. */
    public static final String DETAIL = "pvc-resizer-dlt-detail";
    /** The service whose consumer gave the record up. */
    public static final String SERVICE = "pvc-resizer-dlt-service";
    /** Present on a dead letter whose value had to be cut to fit the broker: the original size in bytes. */
    public static final String TRUNCATED = "pvc-resizer-dlt-truncated";

    public static final String REASON_RETRIES_EXHAUSTED = "retries-exhausted";
    public static final String REASON_UNEXPECTED_RECORD = "unexpected-record";
    public static final String REASON_UNTRUSTED_RECORD = "untrusted-record";
    /** A failure classified final or infeasible, dead-lettered at once: retrying could not make it pass. */
    public static final String REASON_NOT_RETRIED = "failed-not-retried";

    private DeadLetterHeaders() {
    }

    /** The pvc-resizer headers for a record given up because of {@code failure}. */
    public static Headers forFailure(String service, Throwable failure) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(SERVICE, bytes(service));
        EventDecodingException decoding = Causes.find(failure, EventDecodingException.class);
        if (decoding != null) {
            headers.add(REASON, bytes(decoding.reason().header()));
            headers.add(DETAIL, bytes(BoundedText.message(decoding.getMessage())));
            return headers;
        }
        UnexpectedRecordException unexpected = Causes.find(failure, UnexpectedRecordException.class);
        ResizeException resize = Causes.find(failure, ResizeException.class);
        headers.add(REASON, bytes(unexpected instanceof UntrustedRecordException ? REASON_UNTRUSTED_RECORD
                : unexpected != null ? REASON_UNEXPECTED_RECORD
                : resize != null && resize.kind() != io.pvcresizer.common.events.FailureKind.TRANSIENT ? REASON_NOT_RETRIED
                : REASON_RETRIES_EXHAUSTED));
        if (resize != null) {
            headers.add(FAILURE_REASON, bytes(resize.reason()));
        }
        String detail = resize != null ? resize.getMessage() : Causes.root(failure).getMessage();
        headers.add(DETAIL, bytes(BoundedText.message(String.valueOf(detail))));
        return headers;
    }

    private static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
