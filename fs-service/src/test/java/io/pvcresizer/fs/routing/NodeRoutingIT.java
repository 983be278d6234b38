package io.pvcresizer.fs.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.pvcresizer.common.events.FilesystemExpanded;
import io.pvcresizer.common.events.FilesystemExpansionRequested;
import io.pvcresizer.common.kafka.DeadLetterHeaders;
import io.pvcresizer.common.kafka.EventCodec;
import io.pvcresizer.common.topics.Topics;
import io.pvcresizer.fs.FsServiceApplication;
import io.pvcresizer.fs.listener.NodeRequestListener;
import io.pvcresizer.fs.testing.TestRequests;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * Three node agents against one broker, each reading only the partition of node-requests that its node's records go
 * to: every request is answered exactly once, by its own node, and a record nobody can read is dead-lettered once,
 * although two agents share its partition.
 *
 * <p>With 5 partitions, node-a and node-b share partition 1 and node-c has partition 3 to itself; partitions 0, 2
 * and 4 are read by nobody, as no node's name hashes to them.
 */
class NodeRoutingIT {

    private static final int PARTITIONS = 5;
    private static final List<String> NODES = List.of("node-a", "node-b", "node-c");
    private static final int REQUESTS_PER_NODE = 30;
    private static final Duration WAIT = Duration.ofSeconds(120);

    private static EmbeddedKafkaKraftBroker broker;
    private static Path root;
    private static final Map<String, ConfigurableApplicationContext> agents = new LinkedHashMap<>();
    private static KafkaProducer<String, byte[]> producer;
    private static Admin admin;

    private final EventCodec codec = new EventCodec();

    @BeforeAll
    static void startOneBrokerAndThreeAgents() throws IOException {
        broker = new EmbeddedKafkaKraftBroker(1, PARTITIONS);
        broker.afterPropertiesSet();
        root = Files.createTempDirectory("fs-service-routing-it");
        for (String node : NODES) {
            Path kubelet = Files.createDirectories(root.resolve(node).resolve("kubelet"));
            Path images = Files.createDirectories(root.resolve(node).resolve("images"));
            agents.put(node, new SpringApplicationBuilder(FsServiceApplication.class).run(
                    "--server.port=0",
                    "--spring.kafka.bootstrap-servers=" + broker.getBrokersAsString(),
                    "--pvc-resizer.kafka.partitions=" + PARTITIONS,
                    "--pvc-resizer.fs.node-name=" + node,
                    "--pvc-resizer.fs.kubelet-root=" + kubelet,
                    "--pvc-resizer.fs.local-file.image-dir=" + images));
        }
        producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString(),
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new ByteArraySerializer());
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString()));
    }

    @AfterAll
    static void stopEverything() throws IOException {
        if (producer != null) {
            producer.close();
        }
        if (admin != null) {
            admin.close();
        }
        agents.values().forEach(ConfigurableApplicationContext::close);
        if (broker != null) {
            broker.destroy();
        }
        if (root != null) {
            try (Stream<Path> paths = Files.walk(root)) {
                paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    @Test
    void shouldAnswerEveryRequestExactlyOnceFromItsOwnNodeWhileEachAgentReadsOnlyItsOwnPartition() {
        NODES.forEach(node -> await().atMost(WAIT).untilAsserted(() -> assertThat(listener(node).getAssignedPartitions())
                .as("partitions assigned to the agent of %s", node)
                .containsExactly(nodeRequests(kafkaPartition(node)))));
        assertThat(kafkaPartition("node-a")).as("node-a and node-b share a partition").isEqualTo(kafkaPartition("node-b"));
        Map<String, Double> skippedBefore = skippedByNode();
        List<FilesystemExpansionRequested> requests = new ArrayList<>();
        IntStream.range(0, REQUESTS_PER_NODE).forEach(i -> NODES.forEach(node -> requests.add(
                TestRequests.forNode(node).pv("pv-" + node + "-" + i).block().target(TestRequests.MIB * (64 + i)).build())));

        for (FilesystemExpansionRequested request : requests) {
            RecordMetadata sent = send(request.nodeName(), codec.encode(request));
            assertThat(sent.partition()).as("partition of a record keyed %s", request.nodeName())
                    .isEqualTo(kafkaPartition(request.nodeName()));
        }

        awaitEveryAgentDoneWithItsPartition();
        Map<String, List<ConsumerRecord<String, byte[]>>> results = readToEnd(Topics.NODE_RESULTS_NAME).stream()
                .collect(Collectors.groupingBy(record -> codec.decode(record.value()).operationId()));
        for (FilesystemExpansionRequested request : requests) {
            assertThat(results.get(request.operationId())).as("results of %s for %s", request.volume().pvName(),
                    request.nodeName()).singleElement().satisfies(result -> {
                        assertThat(result.key()).isEqualTo(request.nodeName());
                        assertThat(codec.decode(result.value())).isInstanceOfSatisfying(FilesystemExpanded.class, expanded -> {
                            assertThat(expanded.nodeName()).isEqualTo(request.nodeName());
                            assertThat(expanded.targetBytes()).isEqualTo(request.targetBytes());
                            assertThat(expanded.fsType()).isEqualTo("block");
                            assertThat(expanded.header().volume()).isEqualTo(request.volume());
                        });
                    });
        }
        Map<String, Double> skipped = skippedByNode();
        assertThat(skipped.get("node-a") - skippedBefore.get("node-a")).as("node-b's records read by node-a")
                .isEqualTo(REQUESTS_PER_NODE);
        assertThat(skipped.get("node-b") - skippedBefore.get("node-b")).as("node-a's records read by node-b")
                .isEqualTo(REQUESTS_PER_NODE);
        assertThat(skipped.get("node-c")).as("records of other nodes read by node-c").isZero();
    }

    @Test
    void shouldDeadLetterAnUnreadableRecordOnceThoughTwoAgentsShareItsPartition() {
        byte[] poison = ("{\"type\": \"FilesystemExpansionRequested\", \"poison\": \"" + UUID.randomUUID() + "\"")
                .getBytes(StandardCharsets.UTF_8);
        FilesystemExpansionRequested after = TestRequests.forNode("node-a").pv("pv-after-poison").block().build();

        RecordMetadata sent = send("node-b", poison);
        send("node-a", codec.encode(after));

        awaitEveryAgentDoneWithItsPartition();
        List<ConsumerRecord<String, byte[]>> deadLetters = readToEnd(Topics.NODE_REQUESTS.deadLetterName()).stream()
                .filter(record -> Arrays.equals(record.value(), poison)).toList();
        assertThat(deadLetters).as("groups that dead-lettered the poison record of partition %d, read by node-a and node-b",
                sent.partition()).extracting(deadLetter -> header(deadLetter, KafkaHeaders.DLT_ORIGINAL_CONSUMER_GROUP))
                .containsExactly("fs-service-node-b");
        assertThat(deadLetters.get(0).key()).isEqualTo("node-b");
        assertThat(deadLetters.get(0).partition()).isEqualTo(sent.partition());
        assertThat(header(deadLetters.get(0), DeadLetterHeaders.REASON)).isEqualTo("malformed-record");
        assertThat(readToEnd(Topics.NODE_RESULTS_NAME)).filteredOn(
                record -> codec.decode(record.value()).operationId().equals(after.operationId()))
                .as("the request after the poison record").hasSize(1);
    }

    /**
     * Waits until the group {@code fs-service-<node>} of every agent has committed the end of its partition, and of no
     * other: from then on, every result the agents will ever publish for the records sent so far is on the broker.
     */
    private void awaitEveryAgentDoneWithItsPartition() {
        await().atMost(WAIT).untilAsserted(() -> {
            for (String node : NODES) {
                TopicPartition partition = nodeRequests(kafkaPartition(node));
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("fs-service-" + node)
                        .partitionsToOffsetAndMetadata().get();
                assertThat(committed.keySet()).as("partitions with offsets of group fs-service-%s", node)
                        .isSubsetOf(partition);
                long end = endOffsets(List.of(partition)).get(partition);
                long done = committed.containsKey(partition) ? committed.get(partition).offset() : 0L;
                assertThat(done).as("committed offset of %s in %s", node, partition).isEqualTo(end);
            }
        });
    }

    /** Every record of the topic, from its start to its end offsets as they are now. */
    private List<ConsumerRecord<String, byte[]>> readToEnd(String topic) {
        List<TopicPartition> partitions = IntStream.range(0, PARTITIONS).mapToObj(p -> new TopicPartition(topic, p)).toList();
        Map<TopicPartition, Long> ends = endOffsets(partitions);
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            await().atMost(WAIT).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return partitions.stream().allMatch(p -> consumer.position(p) >= ends.get(p));
            });
        }
        return records;
    }

    private Map<TopicPartition, Long> endOffsets(List<TopicPartition> partitions) {
        try {
            Map<TopicPartition, ListOffsetsResultInfo> ends = admin.listOffsets(partitions.stream()
                    .collect(Collectors.toMap(Function.identity(), p -> OffsetSpec.latest()))).all().get();
            Map<TopicPartition, Long> offsets = new HashMap<>();
            ends.forEach((partition, info) -> offsets.put(partition, info.offset()));
            return offsets;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    private static RecordMetadata send(String key, byte[] value) {
        try {
            return producer.send(new ProducerRecord<>(Topics.NODE_REQUESTS_NAME, key, value)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    private static MessageListenerContainer listener(String node) {
        return agents.get(node).getBean(KafkaListenerEndpointRegistry.class)
                .getListenerContainer(NodeRequestListener.LISTENER_ID);
    }

    private static Map<String, Double> skippedByNode() {
        Map<String, Double> skipped = new HashMap<>();
        agents.forEach((node, context) -> {
            Counter counter = context.getBean(MeterRegistry.class).find("pvc.resizer.node.requests.skipped").counter();
            skipped.put(node, counter == null ? 0.0 : counter.count());
        });
        return skipped;
    }

    /** The partition Kafka's own partitioner gives the node name as key. */
    private static int kafkaPartition(String node) {
        return BuiltInPartitioner.partitionForKey(node.getBytes(StandardCharsets.UTF_8), PARTITIONS);
    }

    private static TopicPartition nodeRequests(int partition) {
        return new TopicPartition(Topics.NODE_REQUESTS_NAME, partition);
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
