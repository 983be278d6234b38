package io.pvcresizer.resize.request;

import io.pvcresizer.common.events.FailureKind;
import io.pvcresizer.common.events.ResizeEvent;
import io.pvcresizer.common.events.VolumeExpansionRequested;
import io.pvcresizer.common.events.VolumeResult;
import io.pvcresizer.common.failure.FailureHandling;
import io.pvcresizer.common.failure.ResizeException;
import io.pvcresizer.common.kafka.RetriesExhaustedReporter;
import io.pvcresizer.common.kafka.UnexpectedRecordException;
import io.pvcresizer.common.logging.OperationLogContext;
import io.pvcresizer.common.quantity.StorageQuantities;
import io.pvcresizer.resize.expansion.ExpansionResult;
import io.pvcresizer.resize.expansion.VolumeExpansionHandler;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;

/**
 * Consumes volume expansion requests and answers each with a result event: grown, or failed for good; what
 * {@link FailureHandling} retries is thrown back to the shared error handler, which retries it with backoff and
 * dead-letters it at the end.
 *
 * <p>Requests are keyed by PV name, so the requests of one volume arrive in order on one partition and are handled one
 * at a time. The offset of a request is committed only after its result is stored on Kafka.
 */
public class VolumeRequestListener {

    private static final Logger log = LoggerFactory.getLogger(VolumeRequestListener.class);

    private final VolumeExpansionHandler handler;
    private final VolumeResultPublisher publisher;

    private final String topic;
    private final String groupId;

    /**
     * @param topic   the volume requests topic to consume ({@code pvc-resizer.resize.request-topic})
     * @param groupId the consumer group ({@code pvc-resizer.resize.group-id})
     */
    public VolumeRequestListener(VolumeExpansionHandler handler, VolumeResultPublisher publisher, String topic,
                                 String groupId) {
        this.handler = handler;
        this.publisher = publisher;
        this.topic = topic;
        this.groupId = groupId;
    }

    /** The topic this listener consumes. */
    public String topic() {
        return topic;
    }

    /** The consumer group this listener consumes in. */
    public String groupId() {
        return groupId;
    }

    /**
     * Handles one record of {@code pvc-resize.volume-requests}.
     *
     * @throws UnexpectedRecordException when the record holds another event type (dead-lettered without retry)
     * @throws ResizeException          of kind TRANSIENT, to be retried
     */
    @KafkaListener(topics = "#{__listener.topic()}", groupId = "#{__listener.groupId()}")
    public void onRequest(ConsumerRecord<String, ResizeEvent> record) {
        if (!(record.value() instanceof VolumeExpansionRequested request)) {
            throw new UnexpectedRecordException("expected a VolumeExpansionRequested on " + record.topic() + ", got "
                    + (record.value() == null ? "null" : record.value().getClass().getSimpleName()));
        }
        try (OperationLogContext ignored = OperationLogContext.enter(request)) {
            publisher.publish(resultOf(request));
        }
    }

    private VolumeResult resultOf(VolumeExpansionRequested request) {
        try {
            ExpansionResult result = handler.expand(request);
            log.info("volume {} to {} ({} bytes) in the backend; node expansion required: {}",
                    result.alreadyAtSize() ? "already at" : "expanded", StorageQuantities.format(result.newSizeBytes()),
                    result.newSizeBytes(), result.nodeExpansionRequired());
            return VolumeResults.expanded(request, result);
        } catch (ResizeException e) {
            if (FailureHandling.of(e.kind()) == FailureHandling.RETRY) {
                log.warn("volume expansion to {} failed ({}), will retry: {}", request.targetQuantity(), e.reason(),
                        e.getMessage());
                throw e;
            }
            log.warn("volume expansion to {} failed for good ({} {}): {}", request.targetQuantity(), e.kind(),
                    e.reason(), e.getMessage());
            return VolumeResults.failed(request, e.kind(), e.reason(), e.getMessage());
        }
    }

    /**
     * Reports a request whose retries ran out as a transient {@code VolumeExpansionFailed}, so that the PVC shows the
     * error while the request goes to the dead-letter topic.
     */
    public static RetriesExhaustedReporter<VolumeExpansionRequested> exhaustedReporter(VolumeResultPublisher publisher) {
        return new RetriesExhaustedReporter<>(VolumeExpansionRequested.class, (key, request) -> true,
                (request, reason, message) -> publisher.publish(
                        VolumeResults.failed(request, FailureKind.TRANSIENT, reason, message)));
    }
}
