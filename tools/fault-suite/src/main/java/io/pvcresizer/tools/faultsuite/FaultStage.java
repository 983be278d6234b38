package io.pvcresizer.tools.faultsuite;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.pvcresizer.common.command.Command;
import io.pvcresizer.common.command.CommandRunner;
import io.pvcresizer.common.command.ProcessCommandRunner;
import io.pvcresizer.common.topics.Topic;
import io.pvcresizer.common.topics.Topics;
import io.pvcresizer.testkit.ClusterObjects;
import io.pvcresizer.testkit.KafkaBrokerProcess;
import io.pvcresizer.testkit.LocalCluster;
import io.pvcresizer.testkit.ServiceProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Everything the fault suite breaks, set up once: a Kafka broker process, the API server, two watchers competing for
 * the Lease, resize-service and the fs-service of one node, each a JVM of its own, and an image directory that
 * resize-service reaches through a bind mount which can be made read-only (the backend outage).
 */
public final class FaultStage implements AutoCloseable {

    /** The node the volumes are mounted on. */
    public static final String NODE = "node-a";
    /** Lease identities of the two watchers. */
    public static final String WATCHER_A = "watcher-a";
    public static final String WATCHER_B = "watcher-b";

    private static final CommandRunner COMMANDS = new ProcessCommandRunner();
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaBrokerProcess broker;
    private final LocalCluster cluster;
    private final Path imageDir;
    private final Path backendDir;
    private final Map<String, ServiceProcess> watchers = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile ServiceProcess resizeService;
    private volatile ServiceProcess fsService;
    private final KafkaProducer<String, byte[]> producer;

    private FaultStage(Path root, KafkaBrokerProcess broker, Duration failedRetryAfter, Duration redriveAfter) {
        this.broker = broker;
        this.imageDir = root.resolve("images");
        this.backendDir = root.resolve("backend-images");
        createDirectories(imageDir, backendDir, root.resolve("kubelet"));
        // The backend's view of the image directory, on a mount of its own that can be made read-only without
        // touching the loop devices, which keep their files open through the directory itself.
        run("mount", "--bind", imageDir.toString(), backendDir.toString());
        this.cluster = LocalCluster.start(broker.bootstrapServers(), imageDir, root.resolve("kubelet"))
                .asSeparateProcesses(root.resolve("logs"))
                .withBackendImageDir(backendDir)
                // As the shipped Deployment does (the pod name): a restarted container gets its partitions back at once.
                .withResizeServiceArgs("--pvc-resizer.kafka.group-instance-id=resize-service-0")
                .withServiceArgs(
                        "--pvc-resizer.watcher.failed-retry-after=" + failedRetryAfter.toMillis() + "ms",
                        "--pvc-resizer.watcher.redrive-after=" + redriveAfter.toMillis() + "ms");
        new ClusterObjects(cluster.client()).createStorageClass();
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
        this.producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    }

    /**
     * Starts it all under {@code root} (broker data, images, kubelet directory, logs) with the watcher's slow re-request
     * after a failure ({@code failedRetryAfter}, five minutes in production) and its re-drive of a step that got no
     * answer ({@code redriveAfter}) shortened to fit a test run.
     */
    public static FaultStage start(Path root, Duration failedRetryAfter, Duration redriveAfter) {
        KafkaBrokerProcess broker = KafkaBrokerProcess.start(root.resolve("kafka"));
        FaultStage stage;
        try {
            stage = new FaultStage(root, broker, failedRetryAfter, redriveAfter);
        } catch (RuntimeException e) {
            broker.close();
            COMMANDS.run(Command.of(COMMAND_TIMEOUT, "umount", "-l", root.resolve("backend-images").toString()));
            throw e;
        }
        try {
            stage.watchers.put(WATCHER_A, stage.cluster.startWatcherProcess(WATCHER_A, WATCHER_A));
            stage.watchers.put(WATCHER_B, stage.cluster.startWatcherProcess(WATCHER_B, WATCHER_B));
            stage.resizeService = stage.cluster.startResizeProcess();
            stage.fsService = stage.cluster.startFsProcess(NODE);
            stage.cluster.processes().forEach(p -> p.awaitLive(Duration.ofMinutes(3)));
            return stage;
        } catch (RuntimeException e) {
            stage.close();
            throw e;
        }
    }

    public LocalCluster cluster() {
        return cluster;
    }

    public Path imageDir() {
        return imageDir;
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    /** The identity holding the watcher Lease, or null. */
    public String leader() {
        Lease lease = cluster.client().leases().inNamespace(LocalCluster.WATCHER_NAMESPACE).withName("pvc-resizer-watcher").get();
        return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
    }

    /** Kills the watcher holding the Lease with SIGKILL; returns its identity. */
    public String killLeader() {
        String leader = leader();
        ServiceProcess process = leader == null ? null : watchers.get(leader);
        if (process == null) {
            throw new IllegalStateException("no watcher holds the Lease (holder: " + leader + ")");
        }
        process.kill();
        return leader;
    }

    /** Starts the watcher {@code identity} again after it was killed; it comes back as the standby. */
    public void restartWatcher(String identity) {
        watchers.computeIfPresent(identity, (id, killed) -> awaitLive(cluster.restart(killed)));
    }

    public void killResizeService() {
        resizeService.kill();
    }

    public void restartResizeService() {
        resizeService = awaitLive(cluster.restart(resizeService));
    }

    public void killFsService() {
        fsService.kill();
    }

    public void restartFsService() {
        fsService = awaitLive(cluster.restart(fsService));
    }

    public void stopBroker() {
        broker.stop();
    }

    public void startBroker() {
        broker.startAgain();
    }

    /** Makes the backend's image directory read-only (every grow fails with EROFS) or writable again. */
    public void backendReadOnly(boolean readOnly) {
        run("mount", "-o", readOnly ? "remount,bind,ro" : "remount,bind,rw", backendDir.toString());
    }

    /** Sends raw bytes to {@code topic}, as a buggy or foreign producer would. */
    public void sendRaw(String topic, String key, byte[] value) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("cannot send to " + topic, e.getCause());
        }
    }

    /** Records in all dead-letter topics together (the sum of their end offsets). */
    public long deadLetterCount() {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (Topic<?> topic : Topics.ALL) {
                List<PartitionInfo> infos = consumer.partitionsFor(topic.deadLetterName(), Duration.ofSeconds(30));
                infos.forEach(info -> partitions.add(new TopicPartition(info.topic(), info.partition())));
            }
            return consumer.endOffsets(partitions, Duration.ofSeconds(30)).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** Sum of resize-service's samples of {@code metric} that carry {@code label} (such as {@code outcome="expanded"}). */
    public double resizeServiceMetric(String metric, String label) {
        return metric(resizeService, metric, label);
    }

    /** Sum of fs-service's samples of {@code metric} that carry {@code label}. */
    public double fsServiceMetric(String metric, String label) {
        return metric(fsService, metric, label);
    }

    private static double metric(ServiceProcess service, String metric, String label) {
        String scrape;
        try {
            scrape = service.get("/actuator/prometheus");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot scrape " + service.name(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        double sum = 0;
        for (String line : scrape.split("\n")) {
            if (line.startsWith(metric + "{") && line.contains(label)) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    private static ServiceProcess awaitLive(ServiceProcess process) {
        process.awaitLive(Duration.ofMinutes(3));
        return process;
    }

    private static void createDirectories(Path... dirs) {
        try {
            for (Path dir : dirs) {
                Files.createDirectories(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String run(String... argv) {
        return COMMANDS.run(Command.of(COMMAND_TIMEOUT, argv)).orThrow().stdout();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
        cluster.close();
        broker.close();
        COMMANDS.run(Command.of(COMMAND_TIMEOUT, "umount", "-l", backendDir.toString()));
    }
}
