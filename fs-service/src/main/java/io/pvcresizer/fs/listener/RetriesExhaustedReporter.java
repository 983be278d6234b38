package io.pvcresizer.fs.listener;

import io.pvcresizer.common.events.FailureKind;
import io.pvcresizer.common.events.FilesystemExpansionRequested;
import io.pvcresizer.common.failure.ResizeException;
import io.pvcresizer.common.kafka.DeadLetterHeaders;
import io.pvcresizer.common.kafka.RetriesExhaustedListener;
import io.pvcresizer.fs.metrics.ExpansionMetrics.Outcome;
import io.pvcresizer.fs.metrics.ExpansionMetrics;
import io.pvcresizer.fs.routing.OwnNodeFilter;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes {@code FilesystemExpansionFailed} (transient) for this node's request whose retries ran out, just before the
 * shared error handler dead-letters it, so that the PVC shows the node error instead of waiting silently.
 */
public class RetriesExhaustedReporter implements RetriesExhaustedListener {

    private static final Logger log = LoggerFactory.getLogger(RetriesExhaustedReporter.class);

    /** Reason reported when the last failure was not a classified resize failure. */
    public static final String REASON_RETRIES_EXHAUSTED = "RetriesExhausted";

    private final OwnNodeFilter ownNode;
    private final NodeResultPublisher publisher;
    private final ExpansionMetrics metrics;

    public RetriesExhaustedReporter(OwnNodeFilter ownNode, NodeResultPublisher publisher, ExpansionMetrics metrics) {
        this.ownNode = Objects.requireNonNull(ownNode, "ownNode");
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    @Override
    public void onRetriesExhausted(ConsumerRecord<?, ?> record, Exception cause) {
        if (!(record.value() instanceof FilesystemExpansionRequested request)
                || !ownNode.accepts(record.key() instanceof String key ? key : null, request)) {
            return;
        }
        ResizeException failure = DeadLetterHeaders.find(cause, ResizeException.class);
        String reason = failure != null ? failure.reason() : REASON_RETRIES_EXHAUSTED;
        String lastError = failure != null ? failure.getMessage() : rootMessage(cause);
        String message = "gave up after retries: " + lastError;
        try (OperationMdc mdc = OperationMdc.of(request)) {
            try {
                publisher.failed(request, FailureKind.TRANSIENT, reason, message);
                metrics.recordAttempt(NodeRequestListener.fsTypeTag(request), Outcome.RETRIES_EXHAUSTED, null);
                log.warn("filesystem expansion of pv {} to {} bytes given up after retries ({}): {}",
                        request.volume().pvName(), request.targetBytes(), reason, lastError);
            } catch (RuntimeException e) {
                log.error("filesystem expansion of pv {} given up after retries ({}), and its failure could not be published: {}",
                        request.volume().pvName(), reason, e.getMessage());
            }
        }
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
