package io.pvcresizer.fs.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The partition an agent assigns itself is the one Kafka's default partitioner sends its node's records to. */
class NodePartitionTest {

    private static final List<String> NODE_NAMES = List.of("node-a", "node-b", "node-c", "ip-10-0-12-7.eu-west-1.compute.internal",
            "gke-prod-pool-1-3f9c2a1b-x7kq", "aks-nodepool1-12345678-vmss000002", "worker-0", "k3s-server", "Knoten-ü");

    @ParameterizedTest(name = "{0} partitions")
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 12, 24, 50, 100, 1000})
    void shouldPickThePartitionOfKafkasDefaultPartitionerForTheNodeNameAsKey(int partitions) {
        for (String node : nodeNames()) {
            int kafka = BuiltInPartitioner.partitionForKey(node.getBytes(StandardCharsets.UTF_8), partitions);

            NodePartition partition = NodePartition.of(node, partitions);

            assertThat(partition.value()).as("partition of %s among %d", node, partitions).isEqualTo(kafka);
            assertThat(partition.partitions()).isEqualTo(partitions);
            assertThat(partition.nodeName()).isEqualTo(node);
        }
    }

    @Test
    void shouldSpreadAThousandNodesOverAllPartitions() {
        int partitions = 12;
        int[] nodesPerPartition = new int[partitions];
        for (int i = 0; i < 1000; i++) {
            nodesPerPartition[NodePartition.of("node-" + i, partitions).value()]++;
        }

        // ~83 each; murmur2 spreads names well enough that no partition gets less than half or more than twice that.
        assertThat(Arrays.stream(nodesPerPartition).boxed()).allSatisfy(count -> assertThat(count).isBetween(40, 170));
    }

    @Test
    void shouldRefuseATopicWithoutPartitions() {
        assertThatThrownBy(() -> NodePartition.of("node-a", 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one partition");
    }

    private static List<String> nodeNames() {
        List<String> names = new ArrayList<>(NODE_NAMES);
        Random random = new Random(42);
        for (int i = 0; i < 200; i++) {
            names.add("node-" + Long.toHexString(random.nextLong()));
        }
        return names;
    }
}
