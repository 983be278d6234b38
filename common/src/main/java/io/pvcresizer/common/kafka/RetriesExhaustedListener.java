package io.pvcresizer.common.kafka;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Told when a record has failed all its retries, just before it is dead-lettered, so that the service can publish a
 * failure event and the PVC shows the error instead of waiting silently.
 */
@FunctionalInterface
public interface RetriesExhaustedListener {

    void onRetriesExhausted(ConsumerRecord<?, ?> record, Exception cause);
}
