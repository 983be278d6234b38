package io.pvcresizer.fs.routing;

import io.pvcresizer.common.events.ResizeEvent;
import io.pvcresizer.common.topics.Topics;
import io.pvcresizer.fs.config.FsProperties;
import io.pvcresizer.fs.metrics.ExpansionMetrics;
import java.time.Duration;
import java.util.Objects;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ContainerPostProcessor;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.listener.AbstractMessageListenerContainer;

/**
 * Wires node routing: this agent's partition of {@code pvc-resize.node-requests}, which the node request listener
 * assigns itself, and the error handling of that listener, which leaves other nodes' failed records alone.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(NodeRoutingProperties.class)
public class NodeRoutingConfiguration {

    /** The bean name the node request listener's {@code topicPartitions} expression refers to. */
    public static final String NODE_PARTITION_BEAN = "nodePartition";
    /** The bean name of the node request listener's container post-processor. */
    public static final String CONTAINER_POST_PROCESSOR_BEAN = "nodeRequestsContainerPostProcessor";

    private static final Duration RETRY_INTERVAL = Duration.ofSeconds(1);

    /**
     * This node's partition, read from the broker at start. Topics are created by {@link KafkaAdmin} only after every
     * bean exists, so when the broker does not know node-requests yet it is asked to create the declared topics now.
     */
    @Bean(NODE_PARTITION_BEAN)
    public NodePartition nodePartition(KafkaAdmin kafkaAdmin, FsProperties fsProperties, NodeRoutingProperties routing) {
        return new NodePartitionResolver(new KafkaAdminPartitionCounts(kafkaAdmin), kafkaAdmin::initialize,
                routing.topicWait(), RETRY_INTERVAL).resolve(Topics.NODE_REQUESTS_NAME, fsProperties.nodeName());
    }

    /** Wraps the shared error handler of the node request listener's container in an {@link OtherNodeFailureSkipper}. */
    @Bean(CONTAINER_POST_PROCESSOR_BEAN)
    public ContainerPostProcessor<String, ResizeEvent, AbstractMessageListenerContainer<String, ResizeEvent>>
            nodeRequestsContainerPostProcessor(OwnNodeFilter ownNodeFilter, ExpansionMetrics expansionMetrics) {
        return container -> container.setCommonErrorHandler(new OtherNodeFailureSkipper(ownNodeFilter, expansionMetrics,
                Objects.requireNonNull(container.getCommonErrorHandler(), "the shared error handler")));
    }
}
