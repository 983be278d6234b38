package io.pvcresizer.fs.routing;

import java.time.Duration;
import java.util.Objects;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds this node's partition of a topic at start: asks the broker for the topic's partition count, has the declared
 * topics created once when the broker does not know it yet, and asks again until it answers or the wait is over.
 */
public class NodePartitionResolver {

    private static final Logger log = LoggerFactory.getLogger(NodePartitionResolver.class);

    private final PartitionCounts partitionCounts;
    private final Runnable createTopics;
    private final Duration wait;
    private final Duration retryInterval;

    /**
     * @param partitionCounts asks the broker
     * @param createTopics    creates the declared topics that are missing (idempotent)
     * @param wait            how long to keep asking before start fails
     * @param retryInterval   pause between two questions
     */
    public NodePartitionResolver(PartitionCounts partitionCounts, Runnable createTopics, Duration wait,
            Duration retryInterval) {
        this.partitionCounts = Objects.requireNonNull(partitionCounts, "partitionCounts");
        this.createTopics = Objects.requireNonNull(createTopics, "createTopics");
        this.wait = Objects.requireNonNull(wait, "wait");
        this.retryInterval = Objects.requireNonNull(retryInterval, "retryInterval");
    }

    /**
     * The partition of {@code topic} that holds the records keyed by {@code nodeName}.
     *
     * @throws IllegalStateException when the broker did not describe the topic within the wait
     */
    public NodePartition resolve(String topic, String nodeName) {
        long deadline = System.nanoTime() + wait.toNanos();
        boolean askedToCreate = false;
        String lastProblem = "";
        while (true) {
            try {
                OptionalInt partitions = partitionCounts.of(topic);
                if (partitions.isPresent()) {
                    NodePartition partition = NodePartition.of(nodeName, partitions.getAsInt());
                    log.info("node {} reads partition {} of the {} partitions of {}", nodeName, partition.value(),
                            partition.partitions(), topic);
                    return partition;
                }
                lastProblem = "the broker does not know topic " + topic;
                if (!askedToCreate) {
                    askedToCreate = true;
                    log.info("topic {} does not exist yet: creating the declared topics", topic);
                    createTopics.run();
                    continue;
                }
            } catch (RuntimeException e) {
                lastProblem = e.getMessage();
                log.debug("cannot describe topic {} yet: {}", topic, e.toString());
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new IllegalStateException("cannot tell which partition of " + topic + " belongs to node " + nodeName
                        + ": no partition count from the broker within " + wait.toMillis() + " ms (" + lastProblem + ")");
            }
            pause();
        }
    }

    private void pause() {
        try {
            Thread.sleep(retryInterval.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the broker", e);
        }
    }
}
