package io.pvcresizer.watcher.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.pvcresizer.common.events.EventHeader;
import io.pvcresizer.common.events.StaleMountDetected;
import io.pvcresizer.common.events.VolumeRef;
import io.pvcresizer.common.kafka.EventCodec;
import io.pvcresizer.common.testing.RecordingConsumer;
import io.pvcresizer.common.topics.Topics;
import io.pvcresizer.watcher.fixtures.TestClaims;
import io.pvcresizer.watcher.fixtures.TestPods;
import io.pvcresizer.watcher.fixtures.TestVolumes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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
 * The watcher on a real KRaft broker and the CRUD mock API server turns a {@code StaleMountDetected} of
 * {@code pvc-resize.node-events} into a Warning {@code VolumeMountStale} on the claim bound to the PV and on the pod,
 * and skips a report of a PV it does not know without dead-lettering it.
 */
class StaleMountEventIT {

    private static ApiAndBroker env;
    private static ConfigurableApplicationContext watcher;
    private static RecordingConsumer deadLetters;
    private static KafkaProducer<String, byte[]> producer;
    private final EventCodec codec = new EventCodec();

    @BeforeAll
    static void start() {
        env = new ApiAndBroker();
        env.client.storage().v1().storageClasses().resource(TestVolumes.storageClass(TestClaims.CLASS, true)).create();
        watcher = env.startWatcher("watcher-stale-it");
        deadLetters = new RecordingConsumer(env.bootstrapServers(), List.of(Topics.NODE_EVENTS.deadLetterName()));
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, env.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void stop() {
        producer.close();
        deadLetters.close();
        watcher.close();
        env.close();
    }

    @Test
    void shouldWarnOnTheClaimAndThePodOfAStaleMountAndSkipAnUnknownVolume() throws Exception {
        PersistentVolumeClaim created = env.createBound("shared-data", "1Gi", TestClaims.CLASS, "xfs");
        String claimUid = created.getMetadata().getUid();
        String pv = created.getSpec().getVolumeName();
        Pod pod = env.client.pods().inNamespace(TestClaims.NAMESPACE)
                .resource(TestPods.using("app-shared", "shared-data", "node-a", "Running")).create();
        String podUid = pod.getMetadata().getUid();
        String mountPoint = "/var/lib/kubelet/pods/" + podUid + "/volumes/kubernetes.io~csi/" + pv + "/mount";
        String message = "fuse.ceph-fuse mount " + mountPoint + " is stale: its FUSE daemon is gone (Transport endpoint"
                + " is not connected). Recovered: remounted with its daemon's command line in a session of its own"
                + " (setsid); containers keep the dead mount until their pods are restarted.";

        send(stale("pv-that-does-not-exist", "uid-x", "/var/lib/kubelet/pods/uid-x/volumes/kubernetes.io~csi/"
                + "pv-that-does-not-exist/mount", "no such volume"));
        send(stale(pv, podUid, mountPoint, message));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(eventsOf("PersistentVolumeClaim", "shared-data")).anySatisfy(event -> {
                assertThat(event.getType()).isEqualTo("Warning");
                assertThat(event.getReason()).isEqualTo("VolumeMountStale");
                assertThat(event.getMessage()).isEqualTo("Node node-a: " + message);
                assertThat(event.getInvolvedObject().getUid()).isEqualTo(claimUid);
            });
            assertThat(eventsOf("Pod", "app-shared")).anySatisfy(event -> {
                assertThat(event.getType()).isEqualTo("Warning");
                assertThat(event.getReason()).isEqualTo("VolumeMountStale");
                assertThat(event.getMessage()).isEqualTo("Node node-a: " + message);
            });
        });
        // One partition per key: the unknown PV's report was read before, and skipped rather than retried or dead-lettered.
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
                .until(() -> deadLetters.records(Topics.NODE_EVENTS.deadLetterName()).isEmpty());
        PersistentVolumeClaim after = env.client.persistentVolumeClaims().inNamespace(TestClaims.NAMESPACE)
                .withName("shared-data").get();
        assertThat(after.getStatus().getConditions()).extracting(c -> c.getType())
                .noneMatch(io.pvcresizer.common.kubernetes.ResizeConditions.RESIZE_CONDITION_TYPES::contains);
        assertThat(after.getStatus().getAllocatedResourceStatuses()).isNullOrEmpty();
    }

    private void send(StaleMountDetected event) throws Exception {
        producer.send(new ProducerRecord<>(Topics.NODE_EVENTS.name(), event.nodeName(), codec.encode(event))).get();
    }

    private static StaleMountDetected stale(String pv, String podUid, String mountPoint, String message) {
        return new StaleMountDetected(new EventHeader(EventHeader.CURRENT_SCHEMA_VERSION, UUID.randomUUID(), "",
                Instant.now(), new VolumeRef("", "", null, pv)), "node-a", mountPoint, "fuse.ceph-fuse", podUid, true,
                message);
    }

    /** The events of an object, found as {@code kubectl describe} finds them: by field selector. */
    private static List<Event> eventsOf(String kind, String name) {
        return env.client.v1().events().inNamespace(TestClaims.NAMESPACE).withField("involvedObject.kind", kind)
                .withField("involvedObject.name", name).list().getItems();
    }
}
