package io.pvcresizer.fs.routing;

import io.pvcresizer.fs.metrics.ExpansionMetrics;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.KafkaException;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.kafka.listener.SeekUtils;
import org.springframework.kafka.support.TopicPartitionOffset;

/**
 * The error handler of the node request listener: a failed record keyed for another node is skipped, and every other
 * failure goes to the shared handler (retries, dead letters).
 *
 * <p>Nodes whose names hash to the same partition share it, so each agent also reads records that are not its own. A
 * record whose value cannot be read never reaches the listener, which would skip it by its key: the container hands it
 * straight to the error handler, so without this check every agent of the partition would dead-letter it. With it, only
 * the agent of the node named by the key does. (A record interceptor cannot do this: without a transaction manager the
 * container runs it after the value check.)
 */
public class OtherNodeFailureSkipper implements CommonErrorHandler {

    private static final LogAccessor LOG = new LogAccessor(OtherNodeFailureSkipper.class);

    private final OwnNodeFilter ownNode;
    private final ExpansionMetrics metrics;
    private final CommonErrorHandler delegate;

    public OtherNodeFailureSkipper(OwnNodeFilter ownNode, ExpansionMetrics metrics, CommonErrorHandler delegate) {
        this.ownNode = Objects.requireNonNull(ownNode, "ownNode");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    @Override
    public boolean handleOne(Exception thrownException, ConsumerRecord<?, ?> record, Consumer<?, ?> consumer,
            MessageListenerContainer container) {
        if (isOtherNodes(record)) {
            skip(record, thrownException);
            return true;
        }
        return delegate.handleOne(thrownException, record, consumer, container);
    }

    /**
     * The failed record comes first: when it is another node's it is skipped (the container commits it after this
     * returns), and the consumer is sent back to the records after it, as the shared handler does with a recovered one.
     */
    @Override
    public void handleRemaining(Exception thrownException, List<ConsumerRecord<?, ?>> records, Consumer<?, ?> consumer,
            MessageListenerContainer container) {
        if (records.isEmpty() || !isOtherNodes(records.get(0))) {
            delegate.handleRemaining(thrownException, records, consumer, container);
            return;
        }
        SeekUtils.seekOrRecover(thrownException, records, consumer, container, false,
                (record, exception, c, cons) -> {
                    skip(record, exception);
                    return true;
                }, LOG, KafkaException.Level.DEBUG);
    }

    private boolean isOtherNodes(ConsumerRecord<?, ?> record) {
        return record.key() instanceof String key && !ownNode.acceptsKey(key);
    }

    private void skip(ConsumerRecord<?, ?> record, Exception failure) {
        metrics.skippedOtherNode();
        LOG.debug(() -> "skipping failed node request " + record.topic() + "-" + record.partition() + "@"
                + record.offset() + " keyed for node " + record.key() + " (this is node " + ownNode.nodeName()
                + "): " + failure.getMessage());
    }

    @Override
    public boolean seeksAfterHandling() {
        return delegate.seeksAfterHandling();
    }

    @Override
    public boolean deliveryAttemptHeader() {
        return delegate.deliveryAttemptHeader();
    }

    @Override
    public void handleOtherException(Exception thrownException, Consumer<?, ?> consumer,
            MessageListenerContainer container, boolean batchListener) {
        delegate.handleOtherException(thrownException, consumer, container, batchListener);
    }

    @Override
    public void handleBatch(Exception thrownException, ConsumerRecords<?, ?> data, Consumer<?, ?> consumer,
            MessageListenerContainer container, Runnable invokeListener) {
        delegate.handleBatch(thrownException, data, consumer, container, invokeListener);
    }

    @Override
    public <K, V> ConsumerRecords<K, V> handleBatchAndReturnRemaining(Exception thrownException,
            ConsumerRecords<?, ?> data, Consumer<?, ?> consumer, MessageListenerContainer container,
            Runnable invokeListener) {
        return delegate.handleBatchAndReturnRemaining(thrownException, data, consumer, container, invokeListener);
    }

    @Override
    public LogAccessor logger() {
        return delegate.logger();
    }

    @Override
    public int deliveryAttempt(TopicPartitionOffset topicPartitionOffset) {
        return delegate.deliveryAttempt(topicPartitionOffset);
    }

    @Override
    public void clearThreadState() {
        delegate.clearThreadState();
    }

    @Override
    public boolean isAckAfterHandle() {
        return delegate.isAckAfterHandle();
    }

    @Override
    public void setAckAfterHandle(boolean ack) {
        delegate.setAckAfterHandle(ack);
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, java.util.Collection<TopicPartition> partitions,
            Runnable publishPause) {
        delegate.onPartitionsAssigned(consumer, partitions, publishPause);
    }
}
