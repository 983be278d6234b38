package io.pvcresizer.common.kafka;

import io.pvcresizer.common.events.ResizeEvent;
import io.pvcresizer.common.failure.Causes;
import io.pvcresizer.common.failure.Reason;
import io.pvcresizer.common.failure.ResizeException;
import io.pvcresizer.common.logging.OperationLogContext;
import java.util.Objects;
import java.util.function.BiPredicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports a request whose retries ran out as a transient failure, just before the shared error handler dead-letters
 * it, so that the PVC shows the error instead of waiting silently: with the last failure's reason, or
 * {@link Reason#RETRIES_EXHAUSTED} when it had none. Never throws: the record must still reach its dead-letter topic
 * when the failure cannot be published.
 *
 * @param <R> the request type the service consumes
 */
public final class RetriesExhaustedReporter<R extends ResizeEvent> implements RetriesExhaustedListener {

    /** Publishes the failure of a request that was given up. */
    @FunctionalInterface
    public interface FailureReport<R> {

        /** @param reason the reason code; the failure is transient, as the one it gave up on */
        void failed(R request, String reason, String message);
    }

    private static final Logger log = LoggerFactory.getLogger(RetriesExhaustedReporter.class);

    private final Class<R> requestType;
    private final BiPredicate<String, R> ours;
    private final FailureReport<R> report;

    /**
     * @param requestType the requests this service answers; records of other types are not reported
     * @param ours        whether a request with this key is this consumer's to answer
     * @param report      publishes the failure
     */
    public RetriesExhaustedReporter(Class<R> requestType, BiPredicate<String, R> ours, FailureReport<R> report) {
        this.requestType = Objects.requireNonNull(requestType, "requestType");
        this.ours = Objects.requireNonNull(ours, "ours");
        this.report = Objects.requireNonNull(report, "report");
    }

    @Override
    public void onRetriesExhausted(ConsumerRecord<?, ?> record, Exception cause) {
        if (!requestType.isInstance(record.value())) {
            return;
        }
        R request = requestType.cast(record.value());
        if (!ours.test(record.key() instanceof String key ? key : null, request)) {
            return;
        }
        ResizeException failure = Causes.find(cause, ResizeException.class);
        String reason = failure == null ? Reason.RETRIES_EXHAUSTED.code() : failure.reason();
        String lastError = failure == null ? Causes.rootMessage(cause) : failure.getMessage();
        try (OperationLogContext ignored = OperationLogContext.enter(request)) {
            try {
                report.failed(request, reason, "gave up after retries: " + lastError);
                log.warn("{} of pv {} given up after retries ({}): {}", requestType.getSimpleName(),
                        request.volume().pvName(), reason, lastError);
            } catch (RuntimeException e) {
                log.error("{} of pv {} given up after retries ({}), and its failure could not be published: {}",
                        requestType.getSimpleName(), request.volume().pvName(), reason, e.getMessage());
            }
        }
    }
}
