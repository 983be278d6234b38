package io.pvcresizer.resize.request;

import io.pvcresizer.common.events.FailureKind;
import io.pvcresizer.common.events.VolumeExpansionRequested;
import io.pvcresizer.common.failure.ResizeException;
import io.pvcresizer.common.kafka.DeadLetterHeaders;
import io.pvcresizer.common.kafka.RetriesExhaustedListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a transient {@code VolumeExpansionFailed} when a volume expansion request is given up after its retries,
 * so that the PVC shows the error while the request goes to the dead-letter topic.
 */
public class ExhaustedRequestReporter implements RetriesExhaustedListener {

    /** The failure reason when the last error carried none. */
    public static final String REASON_RETRIES_EXHAUSTED = "RetriesExhausted";

    private static final Logger log = LoggerFactory.getLogger(ExhaustedRequestReporter.class);

    private final VolumeResultPublisher publisher;

    public ExhaustedRequestReporter(VolumeResultPublisher publisher) {
        this.publisher = publisher;
    }

    /** Never throws: the record must still reach the dead-letter topic when the failure event cannot be published. */
    @Override
    public void onRetriesExhausted(ConsumerRecord<?, ?> record, Exception cause) {
        if (!(record.value() instanceof VolumeExpansionRequested request)) {
            return;
        }
        ResizeException failure = DeadLetterHeaders.find(cause, ResizeException.class);
        String reason = failure == null ? REASON_RETRIES_EXHAUSTED : failure.reason();
        String message = "gave up after retries: " + (failure == null ? rootMessage(cause) : failure.getMessage());
        try (OperationLogContext ignored = OperationLogContext.enter(request)) {
            try {
                publisher.publish(VolumeResults.failed(request, FailureKind.TRANSIENT, reason, message));
                log.warn("volume expansion to {} given up ({}): {}", request.targetQuantity(), reason, message);
            } catch (RuntimeException e) {
                log.error("volume expansion to {} given up ({}), and its failure event could not be published: {}",
                        request.targetQuantity(), reason, e.getMessage());
            }
        }
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getName() : root.getMessage();
    }
}
