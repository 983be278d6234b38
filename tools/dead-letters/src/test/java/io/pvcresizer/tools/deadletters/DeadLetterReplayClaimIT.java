package io.pvcresizer.tools.deadletters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.pvcresizer.common.events.EventHeader;
import io.pvcresizer.common.events.FilesystemExpansionRequested;
import io.pvcresizer.common.events.ResizeEvent;
import io.pvcresizer.common.events.VolumeExpansionRequested;
import io.pvcresizer.common.events.VolumeMode;
import io.pvcresizer.common.events.VolumeRef;
import io.pvcresizer.common.kafka.DeadLetterHeaders;
import io.pvcresizer.common.kafka.EventCodec;
import io.pvcresizer.common.quantity.StorageQuantities;
import io.pvcresizer.common.testing.KubeMiniCluster;
import io.pvcresizer.common.topics.Topic;
import io.pvcresizer.common.topics.Topics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * A replay of dead-lettered requests checked against their claims on a real API server: a request the claim still
 * asks for is sent, one for a claim that asks for another size now, is gone or is another object is refused (named
 * records) or skipped ({@code --all}), and {@code --force} sends it anyway.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeadLetterReplayClaimIT {

    private static final String NAMESPACE = "dead-letter-replay";
    private static final String CLASS = "dead-letter-replay";
    private static final String DRIVER = "replay.pvc-resizer.io";
    private static final String NODE = "node-replay";

    private final EventCodec codec = new EventCodec();
    private KubeMiniCluster kube;
    private NamespacedKubernetesClient admin;
    private EmbeddedKafkaKraftBroker broker;
    private KafkaProducer<String, byte[]> producer;

    @BeforeAll
    void apiServerAndBroker() {
        kube = KubeMiniCluster.shared();
        admin = kube.adminClient();
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
                .createOr(existing -> existing.update());
        admin.storage().v1().storageClasses().resource(new StorageClassBuilder().withNewMetadata().withName(CLASS)
                .endMetadata().withProvisioner(DRIVER).withAllowVolumeExpansion(true).build()).createOr(e -> e.update());
        String[] topics = Topics.ALL.stream().flatMap(t -> Stream.of(t.name(), t.deadLetterName())).toArray(String[]::new);
        broker = new EmbeddedKafkaKraftBroker(1, 1, topics);
        broker.afterPropertiesSet();
        producer = new KafkaProducer<>(Map.of("bootstrap.servers", broker.getBrokersAsString()), new StringSerializer(),
                new ByteArraySerializer());
    }

    @AfterAll
    void cleanUp() {
        if (producer != null) {
            producer.close();
        }
        if (broker != null) {
            broker.destroy();
        }
        if (admin != null) {
            admin.persistentVolumeClaims().inNamespace(NAMESPACE).delete();
            admin.persistentVolumes().withLabel("test", CLASS).delete();
            admin.close();
        }
    }

    @Test
    void shouldReplayARequestItsClaimStillAsksFor() throws Exception {
        PersistentVolumeClaim claim = bound("still-wanted", "1Gi");
        raise(claim, "2Gi");
        RecordId id = deadLetter(Topics.VOLUME_REQUESTS, volumeRequest(claim, "2Gi"));
        Map<TopicPartition, Long> before = ends(Topics.VOLUME_REQUESTS);

        Result result = run("replay", "--record", id.toString());

        assertThat(result.code()).as(result.err()).isZero();
        assertThat(result.out()).contains("replayed 1 record(s)");
        assertThat(keysAfter(Topics.VOLUME_REQUESTS, before)).containsExactly(pv(claim));
    }

    @Test
    void shouldRefuseARequestForAnotherSizeThanTheClaimAsksForNowUnlessForced() throws Exception {
        PersistentVolumeClaim claim = bound("superseded", "1Gi");
        raise(claim, "3Gi");
        RecordId id = deadLetter(Topics.VOLUME_REQUESTS, volumeRequest(claim, "2Gi"));
        Map<TopicPartition, Long> before = ends(Topics.VOLUME_REQUESTS);

        Result refused = run("replay", "--record", id.toString());

        assertThat(refused.code()).isEqualTo(2);
        assertThat(refused.err()).contains("refused " + id + ": claim " + NAMESPACE + "/superseded now asks for 3Gi,"
                + " the request was for 2Gi", "nothing was replayed");
        assertThat(keysAfter(Topics.VOLUME_REQUESTS, before)).isEmpty();

        Result forced = run("replay", "--record", id.toString(), "--force");

        assertThat(forced.code()).as(forced.err()).isZero();
        assertThat(keysAfter(Topics.VOLUME_REQUESTS, before)).containsExactly(pv(claim));
    }

    @Test
    void shouldSkipTheRequestsTheirClaimNoLongerWantsAndReplayTheRestOfAnAllReplay() throws Exception {
        PersistentVolumeClaim claim = bound("older-and-newer", "1Gi");
        raise(claim, "5Gi");
        RecordId older = deadLetter(Topics.VOLUME_REQUESTS, volumeRequest(claim, "4Gi"));
        RecordId newer = deadLetter(Topics.VOLUME_REQUESTS, volumeRequest(claim, "5Gi"));
        Map<TopicPartition, Long> before = ends(Topics.VOLUME_REQUESTS);

        Result result = run("replay", "--all", "--key", pv(claim));

        assertThat(result.code()).as(result.err()).isZero();
        assertThat(result.err()).contains("skipped " + older + ": claim " + NAMESPACE + "/older-and-newer now asks"
                + " for 5Gi, the request was for 4Gi", "skipped 1 request(s) their claim no longer wants");
        assertThat(result.out()).contains("replayed " + newer + " -> ", "replayed 1 record(s)");
        assertThat(keysAfter(Topics.VOLUME_REQUESTS, before)).containsExactly(pv(claim));
    }

    @Test
    void shouldRefuseARequestWhoseClaimIsGoneOrAnotherObject() throws Exception {
        PersistentVolumeClaim deleted = bound("deleted", "1Gi");
        raise(deleted, "2Gi");
        RecordId forDeleted = deadLetter(Topics.VOLUME_REQUESTS, volumeRequest(deleted, "2Gi"));
        admin.persistentVolumeClaims().inNamespace(NAMESPACE).withName("deleted").withGracePeriod(0).delete();
        await().atMost(Duration.ofSeconds(60)).until(
                () -> admin.persistentVolumeClaims().inNamespace(NAMESPACE).withName("deleted").get() == null);
        PersistentVolumeClaim recreated = bound("recreated", "1Gi");
        raise(recreated, "2Gi");
        recreated.getMetadata().setUid("uid-of-the-claim-before");
        RecordId forOlderObject = deadLetter(Topics.VOLUME_REQUESTS, volumeRequest(recreated, "2Gi"));
        Map<TopicPartition, Long> before = ends(Topics.VOLUME_REQUESTS);

        Result gone = run("replay", "--record", forDeleted.toString());
        Result other = run("replay", "--record", forOlderObject.toString());

        assertThat(gone.code()).isEqualTo(2);
        assertThat(gone.err()).contains("claim " + NAMESPACE + "/deleted no longer exists");
        assertThat(other.code()).isEqualTo(2);
        assertThat(other.err()).contains("claim " + NAMESPACE + "/recreated is another object now",
                "the request was for uid uid-of-the-claim-before");
        assertThat(keysAfter(Topics.VOLUME_REQUESTS, before)).isEmpty();
    }

    @Test
    void shouldReplayANodeRequestForAtLeastWhatTheClaimAsksAndRefuseASmallerOne() throws Exception {
        PersistentVolumeClaim claim = bound("node-step", "1Gi");
        raise(claim, "2Gi");
        // The backend rounded 2Gi up: the volume and so the node request's target are a little larger.
        RecordId rounded = deadLetter(Topics.NODE_REQUESTS, nodeRequest(claim, StorageQuantities.toBytes("2052Mi")));
        RecordId older = deadLetter(Topics.NODE_REQUESTS, nodeRequest(claim, StorageQuantities.toBytes("1536Mi")));
        Map<TopicPartition, Long> before = ends(Topics.NODE_REQUESTS);

        Result replayed = run("replay", "--record", rounded.toString());
        Result refused = run("replay", "--record", older.toString());

        assertThat(replayed.code()).as(replayed.err()).isZero();
        assertThat(refused.code()).isEqualTo(2);
        assertThat(refused.err()).contains("claim " + NAMESPACE + "/node-step now asks for 2Gi, the request was for 1536Mi");
        assertThat(keysAfter(Topics.NODE_REQUESTS, before)).containsExactly(NODE);
    }

    @Test
    void shouldSendNothingAndExitOneWhenTheApiServerDoesNotAnswer(@TempDir Path dir) throws Exception {
        PersistentVolumeClaim claim = bound("api-down", "1Gi");
        raise(claim, "2Gi");
        RecordId id = deadLetter(Topics.VOLUME_REQUESTS, volumeRequest(claim, "2Gi"));
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path kubeconfig = dir.resolve("kubeconfig");
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters: [{name: down, cluster: {server: "https://127.0.0.1:%d", insecure-skip-tls-verify: true}}]
                users: [{name: nobody, user: {token: not-a-token}}]
                contexts: [{name: down, context: {cluster: down, user: nobody}}]
                current-context: down
                """.formatted(port));
        Map<TopicPartition, Long> before = ends(Topics.VOLUME_REQUESTS);

        Result result = runWith(kubeconfig, "replay", "--record", id.toString(), "--timeout", "3s");

        assertThat(result.code()).isEqualTo(1);
        assertThat(result.err()).contains("could not read claim " + NAMESPACE + "/api-down from the Kubernetes API at"
                + " https://127.0.0.1:" + port, "nothing was replayed");
        assertThat(keysAfter(Topics.VOLUME_REQUESTS, before)).isEmpty();
    }

    /** A claim of {@link #CLASS} bound to a PV of its own, once kube-controller-manager completed the binding. */
    private PersistentVolumeClaim bound(String name, String size) {
        String pvName = "pv-" + NAMESPACE + "-" + name;
        admin.persistentVolumes().resource(new PersistentVolumeBuilder()
                .withNewMetadata().withName(pvName).withLabels(Map.of("test", CLASS)).endMetadata()
                .withNewSpec().withCapacity(Map.of("storage", new Quantity(size))).withAccessModes("ReadWriteOnce")
                .withStorageClassName(CLASS).withPersistentVolumeReclaimPolicy("Retain")
                .withNewCsi().withDriver(DRIVER).withVolumeHandle(pvName).endCsi()
                .withNewClaimRef().withNamespace(NAMESPACE).withName(name).endClaimRef()
                .endSpec().build()).create();
        admin.persistentVolumeClaims().inNamespace(NAMESPACE).resource(new PersistentVolumeClaimBuilder()
                .withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withStorageClassName(CLASS).withVolumeName(pvName).withAccessModes("ReadWriteOnce")
                .withNewResources().withRequests(Map.of("storage", new Quantity(size))).endResources()
                .endSpec().build()).create();
        await().atMost(Duration.ofSeconds(90)).until(() -> {
            PersistentVolumeClaim now = admin.persistentVolumeClaims().inNamespace(NAMESPACE).withName(name).get();
            return now.getStatus() != null && "Bound".equals(now.getStatus().getPhase());
        });
        return admin.persistentVolumeClaims().inNamespace(NAMESPACE).withName(name).get();
    }

    private void raise(PersistentVolumeClaim claim, String size) {
        admin.persistentVolumeClaims().inNamespace(NAMESPACE).withName(claim.getMetadata().getName())
                .patch(PatchContext.of(PatchType.JSON_MERGE),
                        "{\"spec\":{\"resources\":{\"requests\":{\"storage\":\"" + size + "\"}}}}");
    }

    private static String pv(PersistentVolumeClaim claim) {
        return claim.getSpec().getVolumeName();
    }

    private static VolumeRef ref(PersistentVolumeClaim claim) {
        return new VolumeRef(NAMESPACE, claim.getMetadata().getName(), claim.getMetadata().getUid(), pv(claim));
    }

    private static VolumeExpansionRequested volumeRequest(PersistentVolumeClaim claim, String target) {
        long bytes = StorageQuantities.toBytes(target);
        return new VolumeExpansionRequested(EventHeader.next("op-" + bytes, ref(claim)), DRIVER, pv(claim), Map.of(),
                VolumeMode.Filesystem, StorageQuantities.toBytes("1Gi"), bytes, target);
    }

    private static FilesystemExpansionRequested nodeRequest(PersistentVolumeClaim claim, long target) {
        return new FilesystemExpansionRequested(EventHeader.next("op-" + target, ref(claim)), NODE, "pod-uid", "pod",
                DRIVER, pv(claim), "xfs", VolumeMode.Filesystem, target);
    }

    /** Writes {@code event} to the dead-letter topic of {@code topic} as the services' error handler does. */
    private RecordId deadLetter(Topic<?> topic, ResizeEvent event) throws Exception {
        String key = event instanceof FilesystemExpansionRequested node ? node.nodeName() : event.header().volume().pvName();
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic.deadLetterName(), key, codec.encode(event));
        record.headers().add(KafkaHeaders.DLT_ORIGINAL_TOPIC, topic.name().getBytes(StandardCharsets.UTF_8));
        record.headers().add(DeadLetterHeaders.REASON, DeadLetterHeaders.REASON_RETRIES_EXHAUSTED.getBytes(StandardCharsets.UTF_8));
        RecordMetadata sent = producer.send(record).get();
        return new RecordId(sent.topic(), sent.partition(), sent.offset());
    }

    private Map<TopicPartition, Long> ends(Topic<?> topic) {
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            return consumer.endOffsets(List.of(new TopicPartition(topic.name(), 0)));
        }
    }

    /** The keys of the records of {@code topic} after {@code offsets}, up to its end now. */
    private List<String> keysAfter(Topic<?> topic, Map<TopicPartition, Long> offsets) {
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            Map<TopicPartition, Long> now = consumer.endOffsets(offsets.keySet());
            consumer.assign(offsets.keySet());
            offsets.forEach(consumer::seek);
            List<String> keys = new ArrayList<>();
            await().pollInSameThread().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    keys.add(record.key());
                }
                return now.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
            });
            return keys;
        }
    }

    private KafkaConsumer<String, byte[]> consumer() {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.getBrokersAsString()),
                new StringDeserializer(), new ByteArrayDeserializer());
    }

    private record Result(int code, String out, String err) {
    }

    private Result run(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(args));
        return command.contains("--force") ? runWith(null, args) : runWith(kube.adminKubeconfig(), args);
    }

    private Result runWith(Path kubeconfig, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> command = new ArrayList<>(List.of(args));
        command.addAll(List.of("--bootstrap-servers", broker.getBrokersAsString()));
        if (kubeconfig != null) {
            command.addAll(List.of("--kubeconfig", kubeconfig.toString()));
        }
        int code = new DeadLetterCli(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(command, null);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
