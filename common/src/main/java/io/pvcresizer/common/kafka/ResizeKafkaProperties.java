package io.pvcresizer.common.kafka;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

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
 * @param healthTimeout     how long the readiness check of the broker may take before Kafka counts as down
 */
@ConfigurationProperties("pvc-resizer.kafka")
public record ResizeKafkaProperties(
        @DefaultValue("6") int partitions,
        @DefaultValue("1") short replicationFactor,
        @DefaultValue("1") int concurrency,
        @DefaultValue Retry retry,
        @DefaultValue("10s") Duration sessionTimeout,
        @DefaultValue("") String groupInstanceId,
        @DefaultValue("3s") Duration healthTimeout) {

    public ResizeKafkaProperties {
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
    public record Retry(
            @DefaultValue("500ms") Duration initialInterval,
            @DefaultValue("2.0") double multiplier,
            @DefaultValue("10s") Duration maxInterval,
            @DefaultValue("5") int maxRetries) {
    }
}
