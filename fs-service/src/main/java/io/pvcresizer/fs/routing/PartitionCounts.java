package io.pvcresizer.fs.routing;

import java.util.OptionalInt;

/** How many partitions a topic has on the broker now; the port behind which the broker's metadata is asked. */
@FunctionalInterface
public interface PartitionCounts {

    /**
     * The topic's partition count, or empty when the broker does not know the topic (yet).
     *
     * @throws RuntimeException when the broker cannot be asked
     */
    OptionalInt of(String topic);
}
