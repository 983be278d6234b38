package io.pvcresizer.fs.listener;

import io.pvcresizer.common.events.FailureKind;
import io.pvcresizer.common.events.FilesystemExpansionRequested;
import io.pvcresizer.common.events.ResizeEvent;
import io.pvcresizer.common.events.VolumeMode;
import io.pvcresizer.common.failure.FailureHandling;
import io.pvcresizer.common.failure.ResizeException;
import io.pvcresizer.common.kafka.UnexpectedRecordException;
import io.pvcresizer.common.kafka.RetriesExhaustedReporter;
import io.pvcresizer.common.logging.OperationLogContext;
import io.pvcresizer.common.topics.Topics;
import io.pvcresizer.fs.expansion.FilesystemExpansion;
import io.pvcresizer.fs.grow.GrowthResult;
import io.pvcresizer.fs.metrics.ExpansionMetrics.Outcome;
import io.pvcresizer.fs.metrics.ExpansionMetrics;
import io.pvcresizer.fs.routing.NodeRoutingConfiguration;
import io.pvcresizer.fs.routing.OtherNodeFailureSkipper;
import io.pvcresizer.fs.routing.OwnNodeFilter;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.annotation.TopicPartition;

/**
 * Consumes this node's filesystem expansion requests and answers each with a node result: success and final or
 * infeasible failures are published and the record is done; transient failures are rethrown so that the shared error
 * handler retries them with backoff (and the reporter of {@link #exhaustedReporter} reports them when it gives up), as
 * {@link FailureHandling} says.
 *
 * <p>It reads one partition only, assigned by hand: the one Kafka's default partitioner gives this node's name (bean
 * {@code nodePartition}), with offsets committed under the group {@code fs-service-<node>}. Records of other nodes that
 * share the partition are skipped here by their key and {@code nodeName}, and by {@link OtherNodeFailureSkipper} when
 * their value cannot even be read.
 */
public class NodeRequestListener {

    /** Id of the listener container, to find it in the {@code KafkaListenerEndpointRegistry}. */
    public static final String LISTENER_ID = "fs-service-node-requests";

    private static final Logger log = LoggerFactory.getLogger(NodeRequestListener.class);

    private final OwnNodeFilter ownNode;
    private final FilesystemExpansion expansion;
    private final NodeResultPublisher publisher;
    private final ExpansionMetrics metrics;

    public NodeRequestListener(OwnNodeFilter ownNode, FilesystemExpansion expansion, NodeResultPublisher publisher,
            ExpansionMetrics metrics) {
        this.ownNode = Objects.requireNonNull(ownNode, "ownNode");
        this.expansion = Objects.requireNonNull(expansion, "expansion");
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    /**
     * Handles one record of {@code pvc-resize.node-requests}.
     *
     * @throws UnexpectedRecordException when the record is not a {@code FilesystemExpansionRequested} (dead-lettered)
     * @throws ResizeException          when the expansion failed transiently (retried)
     */
    @KafkaListener(id = LISTENER_ID, groupId = "fs-service-${pvc-resizer.fs.node-name}",
            topicPartitions = @TopicPartition(topic = Topics.NODE_REQUESTS_NAME,
                    partitions = "#{@" + NodeRoutingConfiguration.NODE_PARTITION_BEAN + ".value()}"),
            containerPostProcessor = NodeRoutingConfiguration.CONTAINER_POST_PROCESSOR_BEAN)
    public void onNodeRequest(ConsumerRecord<String, ResizeEvent> record) {
        if (!(record.value() instanceof FilesystemExpansionRequested request)) {
            throw new UnexpectedRecordException(Topics.NODE_REQUESTS_NAME + " carries FilesystemExpansionRequested events, not "
                    + (record.value() == null ? "null" : record.value().getClass().getSimpleName()));
        }
        if (!ownNode.accepts(record.key(), request)) {
            metrics.skippedOtherNode();
            log.debug("skipping node request {}-{}@{} for node {} (key {}): this is node {}", record.topic(),
                    record.partition(), record.offset(), request.nodeName(), record.key(), ownNode.nodeName());
            return;
        }
        try (OperationLogContext ignored = OperationLogContext.enter(request)) {
            handle(request);
        }
    }

    private void handle(FilesystemExpansionRequested request) {
        long start = System.nanoTime();
        GrowthResult result;
        try {
            result = expansion.expand(request);
        } catch (ResizeException e) {
            reportFailure(request, e, Duration.ofNanos(System.nanoTime() - start));
            return;
        } catch (RuntimeException e) {
            metrics.recordAttempt(fsTypeTag(request), Outcome.TRANSIENT_FAILURE, Duration.ofNanos(System.nanoTime() - start));
            log.warn("filesystem expansion of pv {} to {} bytes failed unexpectedly, will retry: {}",
                    request.volume().pvName(), request.targetBytes(), e.toString());
            throw e;
        }
        publisher.expanded(request, result);
        Outcome outcome = result.changed() ? Outcome.EXPANDED : Outcome.ALREADY_EXPANDED;
        metrics.recordAttempt(result.fsType(), outcome, Duration.ofNanos(System.nanoTime() - start));
        if (result.volume().mode() == VolumeMode.Block) {
            log.info("pv {} is a block volume: no filesystem to grow on this node, done (target {} bytes)",
                    request.volume().pvName(), request.targetBytes());
        } else {
            log.info("filesystem of pv {} {} {}: {} of {} bytes for target {} ({}{})", request.volume().pvName(),
                    result.changed() ? "grown" : "already grown", result.online() ? "online" : "offline", result.fsType(),
                    result.filesystemBytes(), request.targetBytes(), result.volume().device(),
                    result.online() ? " at " + result.volume().mountPoint() : "");
        }
    }

    private void reportFailure(FilesystemExpansionRequested request, ResizeException failure, Duration elapsed) {
        if (FailureHandling.of(failure.kind()) == FailureHandling.RETRY) {
            metrics.recordAttempt(fsTypeTag(request), Outcome.TRANSIENT_FAILURE, elapsed);
            log.warn("filesystem expansion of pv {} to {} bytes failed transiently ({}), will retry: {}",
                    request.volume().pvName(), request.targetBytes(), failure.reason(), failure.getMessage());
            throw failure;
        }
        publisher.failed(request, failure.kind(), failure.reason(), failure.getMessage());
        metrics.recordAttempt(fsTypeTag(request), Outcome.of(failure.kind()), elapsed);
        log.warn("filesystem expansion of pv {} to {} bytes failed, {} {}: {}", request.volume().pvName(),
                request.targetBytes(), failure.kind(), failure.reason(), failure.getMessage());
    }

    /**
     * Reports this node's requests whose retries ran out as transient {@code FilesystemExpansionFailed}, counted as
     * given up, just before they are dead-lettered.
     */
    public static RetriesExhaustedReporter<FilesystemExpansionRequested> exhaustedReporter(OwnNodeFilter ownNode,
            NodeResultPublisher publisher, ExpansionMetrics metrics) {
        return new RetriesExhaustedReporter<>(FilesystemExpansionRequested.class, ownNode::accepts, (request, reason, message) -> {
            publisher.failed(request, FailureKind.TRANSIENT, reason, message);
            metrics.recordAttempt(fsTypeTag(request), Outcome.RETRIES_EXHAUSTED, null);
        });
    }

    /** The fs_type tag of a request whose volume was not (fully) examined: the PV's own type, or block. */
    static String fsTypeTag(FilesystemExpansionRequested request) {
        if (request.volumeMode() == VolumeMode.Block) {
            return GrowthResult.BLOCK;
        }
        return request.fsType() == null || request.fsType().isBlank() ? "unknown" : request.fsType().toLowerCase(Locale.ROOT);
    }
}
