package io.pvcresizer.common.kafka;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Kafka settings shared by the three services ({@code pvc-resizer.kafka.*}); the broker address itself is the usual
 * {@code spring.kafka.bootstrap-servers}.
 *
 * @param partitions        partitions of every topic and its dead-letter topic (created if missing)
 * @param replicationFactor replication factor of created topics
 * @param concurrency       listener threads per consumer
 * @param retry             blocking retry of transient failures, which keeps per-key order
 * @param sessionTimeout    how long the group waits for a consumer that stopped heartbeating (a killed pod) before its
 *                          partitions go to the others; Kafka's own default is 45 s
 * @param groupInstanceId   static group membership: a consumer restarted with the same id (a container restart keeps
 *                          the pod name) gets its partitions back at once instead of after a rebalance; empty = dynamic
 */
@ConfigurationProperties("pvc-resizer.kafka")
public record ResizeKafkaProperties(Integer partitions, Short replicationFactor, Integer concurrency, Retry retry,
                                    Duration sessionTimeout, String groupInstanceId) {

    public ResizeKafkaProperties {
        partitions = partitions == null ? 6 : partitions;
        replicationFactor = replicationFactor == null ? 1 : replicationFactor;
        concurrency = concurrency == null ? 1 : concurrency;
        retry = retry == null ? new Retry(null, null, null, null) : retry;
        sessionTimeout = sessionTimeout == null ? Duration.ofSeconds(10) : sessionTimeout;
        groupInstanceId = groupInstanceId == null ? "" : groupInstanceId.strip();
    }

    /**
     * Exponential backoff of in-place retries before a record is given up and dead-lettered.
     *
     * @param initialInterval first wait
     * @param multiplier      growth of each wait
     * @param maxInterval     longest wait
     * @param maxRetries      retries after the first attempt
     */
    public record Retry(Duration initialInterval, Double multiplier, Duration maxInterval, Integer maxRetries) {
        public Retry {
            initialInterval = initialInterval == null ? Duration.ofMillis(500) : initialInterval;
            multiplier = multiplier == null ? 2.0 : multiplier;
            maxInterval = maxInterval == null ? Duration.ofSeconds(10) : maxInterval;
            maxRetries = maxRetries == null ? 5 : maxRetries;
        }
    }
}
