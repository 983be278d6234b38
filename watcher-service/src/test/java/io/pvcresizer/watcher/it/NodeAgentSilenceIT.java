package io.pvcresizer.watcher.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimCondition;
import io.fabric8.kubernetes.api.model.Quantity;
import io.pvcresizer.common.events.EventHeader;
import io.pvcresizer.common.events.FilesystemExpanded;
import io.pvcresizer.common.events.FilesystemExpansionRequested;
import io.pvcresizer.common.events.VolumeExpanded;
import io.pvcresizer.common.events.VolumeExpansionRequested;
import io.pvcresizer.common.failure.Reason;
import io.pvcresizer.common.kafka.EventCodec;
import io.pvcresizer.common.kubernetes.ResizeConditions;
import io.pvcresizer.common.testing.RecordingConsumer;
import io.pvcresizer.common.topics.Topics;
import io.pvcresizer.watcher.fixtures.TestClaims;
import io.pvcresizer.watcher.fixtures.TestPods;
import io.pvcresizer.watcher.fixtures.TestVolumes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A pod on a node where no fs-service runs: the node step is requested again and again, and once it has gone
 * unanswered for the node-agent timeout the claim says so (NodeResizeError naming the node, one Warning); when the
 * node's agent answers at last, the claim finishes and the error is gone.
 */
class NodeAgentSilenceIT {

    private static final long MI = 1024L * 1024;
    private static ApiAndBroker env;
    private static ConfigurableApplicationContext watcher;
    private static RecordingConsumer requests;
    private static KafkaProducer<String, byte[]> producer;
    private final EventCodec codec = new EventCodec();

    @BeforeAll
    static void start() {
        env = new ApiAndBroker();
        env.client.storage().v1().storageClasses().resource(TestVolumes.storageClass(TestClaims.CLASS, true)).create();
        watcher = env.startWatcher("silence-it",
                "--pvc-resizer.watcher.redrive-after=2s",
                "--pvc-resizer.watcher.node-agent-timeout=5s");
        requests = new RecordingConsumer(env.bootstrapServers(), List.of(Topics.VOLUME_REQUESTS_NAME, Topics.NODE_REQUESTS_NAME));
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, env.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void stop() {
        producer.close();
        requests.close();
        watcher.close();
        env.close();
    }

    @Test
    void shouldSayTheNodeAgentDoesNotAnswerAndFinishWhenItDoes() throws Exception {
        PersistentVolumeClaim pvc = env.createBound("ghost-data", "320Mi", TestClaims.CLASS, "xfs");
        String pv = pvc.getSpec().getVolumeName();
        env.client.pods().inNamespace(TestClaims.NAMESPACE).resource(TestPods.using("app-ghost", "ghost-data", "node-ghost", "Running")).create();
        env.request("ghost-data", "640Mi");
        VolumeExpansionRequested request = await().atMost(Duration.ofSeconds(20)).until(() -> requests.events(Topics.VOLUME_REQUESTS_NAME,
                VolumeExpansionRequested.class).stream().filter(r -> r.volume().pvName().equals(pv)).findFirst(), Optional::isPresent).orElseThrow();
        producer.send(new ProducerRecord<>(Topics.VOLUME_RESULTS_NAME, pv, codec.encode(new VolumeExpanded(
                EventHeader.next(request.operationId(), request.volume()), 640 * MI, 640 * MI, true)))).get();

        await().atMost(Duration.ofSeconds(30)).until(() -> condition("ghost-data", ResizeConditions.NODE_RESIZE_ERROR)
                .filter(c -> Reason.NODE_AGENT_NOT_ANSWERING.code().equals(c.getReason())).isPresent());
        assertThat(condition("ghost-data", ResizeConditions.NODE_RESIZE_ERROR).orElseThrow().getMessage())
                .contains("node-ghost", "fs-service");
        assertThat(requests.events(Topics.NODE_REQUESTS_NAME, FilesystemExpansionRequested.class))
                .filteredOn(r -> r.volume().pvName().equals(pv)).hasSizeGreaterThan(1).allMatch(r -> r.nodeName().equals("node-ghost"));
        await().atMost(Duration.ofSeconds(10)).until(() -> warnings("ghost-data").size() == 1);
        assertThat(warnings("ghost-data").get(0).getMessage()).contains("node-ghost", "is the fs-service DaemonSet running");

        // The agent comes up and answers: the claim is done, the error gone.
        FilesystemExpansionRequested node = requests.events(Topics.NODE_REQUESTS_NAME, FilesystemExpansionRequested.class).stream()
                .filter(r -> r.volume().pvName().equals(pv)).reduce((a, b) -> b).orElseThrow();
        producer.send(new ProducerRecord<>(Topics.NODE_RESULTS_NAME, "node-ghost", codec.encode(new FilesystemExpanded(
                EventHeader.next(node.operationId(), node.volume()), "node-ghost", 640 * MI, 630 * MI, "xfs", true)))).get();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            PersistentVolumeClaim now = env.client.persistentVolumeClaims().inNamespace(TestClaims.NAMESPACE).withName("ghost-data").get();
            assertThat(now.getStatus().getCapacity()).containsEntry("storage", new Quantity("640Mi"));
            assertThat(condition("ghost-data", ResizeConditions.NODE_RESIZE_ERROR)).isEmpty();
        });
    }

    private static Optional<PersistentVolumeClaimCondition> condition(String claim, String type) {
        PersistentVolumeClaim pvc = env.client.persistentVolumeClaims().inNamespace(TestClaims.NAMESPACE).withName(claim).get();
        return pvc.getStatus().getConditions() == null ? Optional.empty()
                : pvc.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
    }

    private static List<Event> warnings(String claim) {
        return env.client.v1().events().inNamespace(TestClaims.NAMESPACE).withField("involvedObject.name", claim)
                .withField("reason", ResizeConditions.EVENT_FILE_SYSTEM_RESIZE_FAILED).list().getItems();
    }
}
