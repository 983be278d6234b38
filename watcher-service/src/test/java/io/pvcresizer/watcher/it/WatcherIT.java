package io.pvcresizer.watcher.it;

import static io.pvcresizer.common.kubernetes.ResizeConditions.ANNOTATION_PRE_RESIZE_CAPACITY;
import static io.pvcresizer.common.kubernetes.ResizeConditions.CONTROLLER_RESIZE_IN_PROGRESS;
import static io.pvcresizer.common.kubernetes.ResizeConditions.FILE_SYSTEM_RESIZE_PENDING;
import static io.pvcresizer.common.kubernetes.ResizeConditions.NODE_RESIZE_IN_PROGRESS;
import static io.pvcresizer.common.kubernetes.ResizeConditions.NODE_RESIZE_PENDING;
import static io.pvcresizer.common.kubernetes.ResizeConditions.RESIZING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimCondition;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.pvcresizer.common.events.EventHeader;
import io.pvcresizer.common.events.FilesystemExpanded;
import io.pvcresizer.common.events.FilesystemExpansionRequested;
import io.pvcresizer.common.events.VolumeExpanded;
import io.pvcresizer.common.events.VolumeRef;
import io.pvcresizer.common.events.VolumeExpansionRequested;
import io.pvcresizer.common.kafka.DeadLetterHeaders;
import io.pvcresizer.common.kafka.EventCodec;
import io.pvcresizer.common.kubernetes.ResizeConditions;
import io.pvcresizer.common.testing.RecordingConsumer;
import io.pvcresizer.common.topics.Topics;
import io.pvcresizer.watcher.fixtures.TestClaims;
import io.pvcresizer.watcher.fixtures.TestPods;
import io.pvcresizer.watcher.fixtures.TestVolumes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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
 * The watcher on a real KRaft broker and a real API server, authenticated as its own service account of
 * {@code deploy/base}: what it writes to PVC, PV and events for each step (as the server validates and stores them),
 * what it publishes, what the server refuses before the watcher sees it, and that a poison result is dead-lettered
 * while the next one is applied.
 */
class WatcherIT {

    private static final long MI = 1024L * 1024;
    private static ApiAndBroker env;
    private static ConfigurableApplicationContext watcher;
    private static RecordingConsumer recorder;
    private static KafkaProducer<String, byte[]> producer;
    private final EventCodec codec = new EventCodec();

    @BeforeAll
    static void start() {
        env = new ApiAndBroker();
        env.client.storage().v1().storageClasses().resource(TestVolumes.storageClass(TestClaims.CLASS, true)).create();
        env.client.storage().v1().storageClasses().resource(TestVolumes.storageClass("frozen", false)).create();
        watcher = env.startWatcher("watcher-it");
        recorder = new RecordingConsumer(env.bootstrapServers(), List.of(Topics.VOLUME_REQUESTS_NAME,
                Topics.NODE_REQUESTS_NAME, Topics.VOLUME_RESULTS.deadLetterName(), Topics.NODE_RESULTS.deadLetterName()));
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, env.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer());
    }

    @AfterAll
    static void stop() {
        producer.close();
        recorder.close();
        watcher.close();
        env.close();
    }

    private static PersistentVolumeClaim createBound(String name, String size, String className, boolean withPod) {
        PersistentVolumeClaim created = env.createBound(name, size, className, "xfs");
        if (withPod) {
            env.client.pods().inNamespace(TestClaims.NAMESPACE).resource(TestPods.using("app-" + name, name, "node-a", "Running")).create();
        }
        return created;
    }

    private static void request(String name, String size) {
        env.request(name, size);
    }

    private static PersistentVolumeClaim claim(String name) {
        return env.client.persistentVolumeClaims().inNamespace(TestClaims.NAMESPACE).withName(name).get();
    }

    private static String resizeStatus(String name) {
        Map<String, String> statuses = claim(name).getStatus().getAllocatedResourceStatuses();
        return statuses == null ? null : statuses.get("storage");
    }

    private static List<String> conditionTypes(String name) {
        List<PersistentVolumeClaimCondition> conditions = claim(name).getStatus().getConditions();
        // Only the resize conditions: kube-controller-manager keeps a condition of its own (Unused) on every claim.
        return conditions == null ? List.of() : conditions.stream().map(PersistentVolumeClaimCondition::getType)
                .filter(ResizeConditions.RESIZE_CONDITION_TYPES::contains).toList();
    }

    /** The events of an object, found as {@code kubectl describe} finds them: by field selector. */
    private static List<Event> eventsOf(String kind, String name) {
        return env.client.v1().events().inNamespace(TestClaims.NAMESPACE).withField("involvedObject.kind", kind)
                .withField("involvedObject.name", name).list().getItems();
    }

    private static List<String> eventReasons(String kind, String name) {
        return eventsOf(kind, name).stream().map(Event::getReason).toList();
    }

    private static VolumeExpansionRequested requestFor(String pv) {
        return await().atMost(Duration.ofSeconds(20)).until(() -> recorder.events(Topics.VOLUME_REQUESTS_NAME,
                        VolumeExpansionRequested.class).stream().filter(r -> r.volume().pvName().equals(pv)).findFirst(),
                java.util.Optional::isPresent).orElseThrow();
    }

    private void send(String topic, String key, byte[] value) throws Exception {
        producer.send(new ProducerRecord<>(topic, key, value)).get();
    }

    @Test
    void shouldDriveAnOnlineResizeThroughEveryKubernetesStep() throws Exception {
        PersistentVolumeClaim pvc = createBound("online", "320Mi", TestClaims.CLASS, true);
        String pv = pvc.getSpec().getVolumeName();

        request("online", "640Mi");

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(recorder.events(Topics.VOLUME_REQUESTS_NAME, VolumeExpansionRequested.class))
                    .anySatisfy(r -> {
                        assertThat(r.volume().pvName()).isEqualTo(pv);
                        assertThat(r.targetBytes()).isEqualTo(640 * MI);
                        assertThat(r.currentBytes()).isEqualTo(320 * MI);
                        assertThat(r.driver()).isEqualTo(TestVolumes.DRIVER);
                        assertThat(r.volumeHandle()).isEqualTo(pv + ".img");
                    });
            assertThat(conditionTypes("online")).containsExactly(RESIZING);
            assertThat(claim("online").getStatus().getAllocatedResources()).containsEntry("storage", new Quantity("640Mi"));
            assertThat(resizeStatus("online")).isEqualTo(CONTROLLER_RESIZE_IN_PROGRESS);
            assertThat(eventReasons("PersistentVolumeClaim", "online")).contains("Resizing");
        });
        VolumeExpansionRequested request = requestFor(pv);
        assertThat(recorder.records(Topics.VOLUME_REQUESTS_NAME)).anySatisfy(r -> assertThat(r.key()).isEqualTo(pv));

        send(Topics.VOLUME_RESULTS_NAME, pv, codec.encode(new VolumeExpanded(
                EventHeader.next(request.operationId(), request.volume()), 640 * MI, 640 * MI, true)));

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            PersistentVolume volume = env.client.persistentVolumes().withName(pv).get();
            assertThat(volume.getSpec().getCapacity()).containsEntry("storage", new Quantity("640Mi"));
            assertThat(volume.getMetadata().getAnnotations()).containsEntry(ANNOTATION_PRE_RESIZE_CAPACITY, "320Mi");
            assertThat(eventReasons("PersistentVolumeClaim", "online")).contains("FileSystemResizeRequired");
            assertThat(recorder.events(Topics.NODE_REQUESTS_NAME, FilesystemExpansionRequested.class))
                    .anySatisfy(r -> {
                        assertThat(r.volume().pvName()).isEqualTo(pv);
                        assertThat(r.nodeName()).isEqualTo("node-a");
                        assertThat(r.podName()).isEqualTo("app-online");
                        assertThat(r.fsType()).isEqualTo("xfs");
                        assertThat(r.targetBytes()).isEqualTo(640 * MI);
                        assertThat(r.operationId()).isEqualTo(request.operationId());
                    });
            assertThat(resizeStatus("online")).isEqualTo(NODE_RESIZE_IN_PROGRESS);
            assertThat(conditionTypes("online")).containsExactly(FILE_SYSTEM_RESIZE_PENDING);
            assertThat(claim("online").getStatus().getCapacity()).containsEntry("storage", new Quantity("320Mi"));
        });
        assertThat(recorder.records(Topics.NODE_REQUESTS_NAME)).anySatisfy(r -> assertThat(r.key()).isEqualTo("node-a"));

        byte[] nodeResult = codec.encode(new FilesystemExpanded(
                EventHeader.next(request.operationId(), request.volume()), "node-a", 640 * MI, 630 * MI, "xfs", true));
        send(Topics.NODE_RESULTS_NAME, "node-a", nodeResult);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(claim("online").getStatus().getCapacity()).containsEntry("storage", new Quantity("640Mi"));
            assertThat(conditionTypes("online")).isEmpty();
            assertThat(resizeStatus("online")).isNull();
            assertThat(eventReasons("PersistentVolumeClaim", "online")).contains("FileSystemResizeSuccessful");
            assertThat(eventReasons("Pod", "app-online")).contains("FileSystemResizeSuccessful");
            assertThat(env.client.persistentVolumes().withName(pv).get().getMetadata().getAnnotations())
                    .doesNotContainKey(ANNOTATION_PRE_RESIZE_CAPACITY);
        });

        // The same result again after the resize ended (a redelivery, a duplicate, a replayed dead letter): ignored as
        // stale, neither dead-lettered nor shown twice.
        send(Topics.NODE_RESULTS_NAME, "node-a", nodeResult);

        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() ->
                eventReasons("PersistentVolumeClaim", "online").stream().filter("FileSystemResizeSuccessful"::equals).count() == 1
                        && recorder.records(Topics.NODE_RESULTS.deadLetterName()).stream()
                        .noneMatch(r -> new String(r.value(), java.nio.charset.StandardCharsets.UTF_8).contains(request.operationId())));
    }

    @Test
    void shouldKeepFileSystemResizePendingUntilAPodUsesTheClaim() throws Exception {
        PersistentVolumeClaim pvc = createBound("offline", "64Mi", TestClaims.CLASS, false);
        String pv = pvc.getSpec().getVolumeName();
        request("offline", "128Mi");
        await().atMost(Duration.ofSeconds(20)).until(() -> CONTROLLER_RESIZE_IN_PROGRESS.equals(resizeStatus("offline")));
        VolumeExpansionRequested request = requestFor(pv);

        send(Topics.VOLUME_RESULTS_NAME, pv, codec.encode(new VolumeExpanded(
                EventHeader.next(request.operationId(), request.volume()), 128 * MI, 128 * MI, true)));

        await().atMost(Duration.ofSeconds(20)).until(() -> NODE_RESIZE_PENDING.equals(resizeStatus("offline")));
        // Several resyncs pass; with no pod, no node request goes out.
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() ->
                recorder.events(Topics.NODE_REQUESTS_NAME, FilesystemExpansionRequested.class).stream()
                        .noneMatch(r -> r.volume().pvName().equals(pv)));
        assertThat(conditionTypes("offline")).containsExactly(FILE_SYSTEM_RESIZE_PENDING);
        assertThat(claim("offline").getStatus().getConditions()).filteredOn(c -> FILE_SYSTEM_RESIZE_PENDING.equals(c.getType()))
                .singleElement().extracting(PersistentVolumeClaimCondition::getMessage).isEqualTo("Waiting for user to (re-)start a pod to finish file system resize of volume on node.");

        env.client.pods().inNamespace(TestClaims.NAMESPACE).resource(TestPods.using("app-offline", "offline", "node-b", "Pending")).create();

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(recorder.events(Topics.NODE_REQUESTS_NAME, FilesystemExpansionRequested.class))
                    .anySatisfy(r -> {
                        assertThat(r.volume().pvName()).isEqualTo(pv);
                        assertThat(r.nodeName()).isEqualTo("node-b");
                    });
            assertThat(resizeStatus("offline")).isEqualTo(NODE_RESIZE_IN_PROGRESS);
        });
    }

    @Test
    void shouldLeaveARaiseOnAClassWithoutExpansionToAdmissionAndPublishNothing() {
        PersistentVolumeClaim pvc = createBound("frozen-data", "1Gi", "frozen", true);

        // The PersistentVolumeClaimResize admission plugin refuses the edit itself: the watcher never sees a change.
        assertThatThrownBy(() -> request("frozen-data", "2Gi"))
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(403);
                    assertThat(e.getMessage()).contains("only dynamically provisioned pvc can be resized and the "
                            + "storageclass that provisions the pvc must support resize");
                });

        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() ->
                eventsOf("PersistentVolumeClaim", "frozen-data").isEmpty()
                        && recorder.events(Topics.VOLUME_REQUESTS_NAME, VolumeExpansionRequested.class).stream()
                        .noneMatch(r -> r.volume().pvName().equals(pvc.getSpec().getVolumeName())));
        assertThat(claim("frozen-data").getSpec().getResources().getRequests()).containsEntry("storage", new Quantity("1Gi"));
        assertThat(conditionTypes("frozen-data")).isEmpty();
    }

    @Test
    void shouldLeaveAShrinkBelowTheCapacityToValidation() {
        PersistentVolumeClaim pvc = createBound("shrinking", "1Gi", TestClaims.CLASS, false);

        assertThatThrownBy(() -> request("shrinking", "512Mi"))
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(422);
                    assertThat(e.getMessage()).contains("spec.resources.requests.storage")
                            .contains("field can not be less than status.capacity");
                });

        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() ->
                recorder.events(Topics.VOLUME_REQUESTS_NAME, VolumeExpansionRequested.class).stream()
                        .noneMatch(r -> r.volume().pvName().equals(pvc.getSpec().getVolumeName())));
        assertThat(conditionTypes("shrinking")).isEmpty();
    }

    @Test
    void shouldDeadLetterAPoisonResultAndApplyTheNextOne() throws Exception {
        PersistentVolumeClaim pvc = createBound("after-poison", "320Mi", TestClaims.CLASS, false);
        String pv = pvc.getSpec().getVolumeName();
        request("after-poison", "400Mi");
        await().atMost(Duration.ofSeconds(20)).until(() -> CONTROLLER_RESIZE_IN_PROGRESS.equals(resizeStatus("after-poison")));
        VolumeExpansionRequested request = requestFor(pv);

        send(Topics.VOLUME_RESULTS_NAME, pv, "{\"type\":\"VolumeExpanded\", oops".getBytes(StandardCharsets.UTF_8));
        send(Topics.VOLUME_RESULTS_NAME, pv, codec.encode(new VolumeExpanded(
                EventHeader.next(request.operationId(), request.volume()), 400 * MI, 400 * MI, false)));

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            List<ConsumerRecord<String, byte[]>> dead = recorder.records(Topics.VOLUME_RESULTS.deadLetterName());
            assertThat(dead).anySatisfy(r -> {
                assertThat(r.key()).isEqualTo(pv);
                assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo("{\"type\":\"VolumeExpanded\", oops");
                assertThat(RecordingConsumer.header(r, DeadLetterHeaders.REASON)).isEqualTo("malformed-record");
                assertThat(RecordingConsumer.header(r, DeadLetterHeaders.SERVICE)).isEqualTo("watcher-service");
                assertThat(RecordingConsumer.header(r, "kafka_dlt-original-topic")).isEqualTo(Topics.VOLUME_RESULTS_NAME);
                assertThat(RecordingConsumer.header(r, "kafka_dlt-exception-message")).isNotBlank();
                assertThat(RecordingConsumer.header(r, DeadLetterHeaders.DETAIL)).startsWith("not valid JSON");
            });
            assertThat(claim("after-poison").getStatus().getCapacity()).containsEntry("storage", new Quantity("400Mi"));
            assertThat(eventReasons("PersistentVolumeClaim", "after-poison")).contains("VolumeResizeSuccessful");
            assertThat(conditionTypes("after-poison")).isEmpty();
        });
    }

    @Test
    void shouldDeadLetterForgedResultsAndWriteNothingForThem() throws Exception {
        PersistentVolumeClaim victim = createBound("forge-victim", "320Mi", TestClaims.CLASS, false);
        PersistentVolumeClaim other = createBound("forge-other", "320Mi", TestClaims.CLASS, false);
        String pv = victim.getSpec().getVolumeName();
        String otherPv = other.getSpec().getVolumeName();
        request("forge-victim", "400Mi");
        await().atMost(Duration.ofSeconds(20)).until(() -> CONTROLLER_RESIZE_IN_PROGRESS.equals(resizeStatus("forge-victim")));
        VolumeExpansionRequested request = requestFor(pv);
        VolumeRef ref = request.volume();

        // Another claim's PV, no claim uid, a size far beyond the target: each dead-lettered, none applied.
        send(Topics.VOLUME_RESULTS_NAME, pv, codec.encode(new VolumeExpanded(EventHeader.next(request.operationId(),
                new VolumeRef(ref.namespace(), ref.pvcName(), ref.pvcUid(), otherPv)), 400 * MI, 400 * MI, false)));
        send(Topics.VOLUME_RESULTS_NAME, pv, codec.encode(new VolumeExpanded(EventHeader.next(request.operationId(),
                new VolumeRef(ref.namespace(), ref.pvcName(), null, pv)), 400 * MI, 400 * MI, false)));
        send(Topics.VOLUME_RESULTS_NAME, pv, codec.encode(new VolumeExpanded(EventHeader.next(request.operationId(), ref),
                400 * MI, 1L << 50, false)));

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(recorder.records(Topics.VOLUME_RESULTS.deadLetterName()))
                .filteredOn(r -> "untrusted-record".equals(RecordingConsumer.header(r, DeadLetterHeaders.REASON)))
                .extracting(r -> RecordingConsumer.header(r, DeadLetterHeaders.DETAIL))
                .anySatisfy(d -> assertThat(d).contains("names PV " + otherPv, "bound to " + pv))
                .anySatisfy(d -> assertThat(d).contains("names no claim uid"))
                .anySatisfy(d -> assertThat(d).contains("reports " + (1L << 50) + " bytes")));
        assertThat(env.client.persistentVolumes().withName(otherPv).get().getSpec().getCapacity())
                .containsEntry("storage", new Quantity("320Mi"));
        assertThat(env.client.persistentVolumes().withName(pv).get().getSpec().getCapacity())
                .containsEntry("storage", new Quantity("320Mi"));
        assertThat(resizeStatus("forge-victim")).isEqualTo(CONTROLLER_RESIZE_IN_PROGRESS);

        // The genuine answer is still applied.
        send(Topics.VOLUME_RESULTS_NAME, pv, codec.encode(new VolumeExpanded(EventHeader.next(request.operationId(), ref),
                400 * MI, 400 * MI, false)));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(claim("forge-victim").getStatus().getCapacity()).containsEntry("storage", new Quantity("400Mi")));
    }

    @Test
    void shouldIgnoreANodeResultOfAnotherOperation() throws Exception {
        PersistentVolumeClaim pvc = createBound("other-op", "320Mi", TestClaims.CLASS, true);
        String pv = pvc.getSpec().getVolumeName();
        request("other-op", "640Mi");
        VolumeExpansionRequested request = requestFor(pv);
        await().atMost(Duration.ofSeconds(20)).until(() -> CONTROLLER_RESIZE_IN_PROGRESS.equals(resizeStatus("other-op")));
        send(Topics.VOLUME_RESULTS_NAME, pv, codec.encode(new VolumeExpanded(
                EventHeader.next(request.operationId(), request.volume()), 640 * MI, 640 * MI, true)));
        await().atMost(Duration.ofSeconds(20)).until(() -> NODE_RESIZE_IN_PROGRESS.equals(resizeStatus("other-op")));

        // A late result of an older, smaller resize of the same claim must not finish this one.
        String olderOperation = request.operationId().replace("-" + 640 * MI, "-" + 400 * MI);
        send(Topics.NODE_RESULTS_NAME, "node-a", codec.encode(new FilesystemExpanded(
                EventHeader.next(olderOperation, request.volume()), "node-a", 400 * MI, 380 * MI, "xfs", true)));

        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(8)).until(() ->
                NODE_RESIZE_IN_PROGRESS.equals(resizeStatus("other-op"))
                        && claim("other-op").getStatus().getCapacity().get("storage").equals(new Quantity("320Mi")));
    }

    @Test
    void shouldIgnoreADuplicateResult() throws Exception {
        PersistentVolumeClaim pvc = createBound("dup", "320Mi", TestClaims.CLASS, false);
        String pv = pvc.getSpec().getVolumeName();
        request("dup", "400Mi");
        await().atMost(Duration.ofSeconds(20)).until(() -> CONTROLLER_RESIZE_IN_PROGRESS.equals(resizeStatus("dup")));
        VolumeExpansionRequested request = requestFor(pv);
        byte[] result = codec.encode(new VolumeExpanded(EventHeader.next(request.operationId(), request.volume()), 400 * MI, 400 * MI, false));

        send(Topics.VOLUME_RESULTS_NAME, pv, result);
        send(Topics.VOLUME_RESULTS_NAME, pv, result);

        await().atMost(Duration.ofSeconds(20)).until(() -> Objects.equals(
                claim("dup").getStatus().getCapacity().get("storage"), new Quantity("400Mi")));
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(8)).until(() ->
                eventReasons("PersistentVolumeClaim", "dup").stream().filter("VolumeResizeSuccessful"::equals).count() == 1);
    }
}
