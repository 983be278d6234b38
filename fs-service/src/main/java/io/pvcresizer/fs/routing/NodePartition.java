package io.pvcresizer.fs.routing;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.apache.kafka.common.utils.Utils;

/**
 * The one partition of {@code pvc-resize.node-requests} that holds a node's records: the partition Kafka's default
 * partitioner picks for the node name as key, {@code toPositive(murmur2(utf8(node))) % partitions}.
 *
 * @param nodeName   the node
 * @param partitions how many partitions the topic has
 * @param value      the node's partition, in {@code [0, partitions)}
 */
public record NodePartition(String nodeName, int partitions, int value) {

    public NodePartition {
        Objects.requireNonNull(nodeName, "nodeName");
        if (partitions < 1 || value < 0 || value >= partitions) {
            throw new IllegalArgumentException("partition " + value + " of " + partitions + " is not a partition");
        }
    }

    /** The partition the default partitioner gives the node name as key among this many partitions. */
    public static NodePartition of(String nodeName, int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("a topic has at least one partition, not " + partitions);
        }
        byte[] key = nodeName.getBytes(StandardCharsets.UTF_8);
        return new NodePartition(nodeName, partitions, Utils.toPositive(Utils.murmur2(key)) % partitions);
    }
}
