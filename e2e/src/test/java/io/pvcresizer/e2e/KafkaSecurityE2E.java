package io.pvcresizer.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.pvcresizer.common.events.EventHeader;
import io.pvcresizer.common.events.VolumeExpansionRequested;
import io.pvcresizer.common.events.VolumeMode;
import io.pvcresizer.common.events.VolumeRef;
import io.pvcresizer.common.health.KafkaHealthIndicator;
import io.pvcresizer.common.kafka.EventCodec;
import io.pvcresizer.common.kafka.acl.PvcResizerAcls;
import io.pvcresizer.common.testing.LoopVolume;
import io.pvcresizer.common.topics.Topics;
import io.pvcresizer.testkit.ClusterObjects;
import io.pvcresizer.testkit.KafkaBrokerProcess;
import io.pvcresizer.testkit.LocalCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * The pipeline on a broker secured as in production: a KRaft broker process with only a SASL_SSL listener
 * (SCRAM-SHA-512, TLS), the StandardAuthorizer denying what no ACL allows, and the ACLs of {@link PvcResizerAcls}. Each
 * service signs in as its own user through Spring Boot's {@code spring.kafka.*} properties; a client without an ACL
 * (or a service outside its own) cannot produce a request; the health check names a credentials refusal as such.
 */
class KafkaSecurityE2E {

    private static final long MI = 1024L * 1024;
    private static final Map<String, String> USERS = Map.of(KafkaBrokerProcess.ADMIN_USER, "admin-" + UUID.randomUUID(),
            "watcher", "w-" + UUID.randomUUID(), "resize", "r-" + UUID.randomUUID(), "fs", "f-" + UUID.randomUUID(),
            "intruder", "i-" + UUID.randomUUID());
    private static Path work;
    private static KafkaBrokerProcess broker;
    private static LocalCluster cluster;
    private static ClusterObjects objects;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(LoopVolume.supported(), "needs root and the xfs tools for a real volume");
        work = java.nio.file.Files.createTempDirectory("kafka-security-");
        broker = KafkaBrokerProcess.startSecured(work.resolve("broker"), USERS);
        try (Admin admin = Admin.create(new HashMap<>(broker.clientProperties(KafkaBrokerProcess.ADMIN_USER,
                USERS.get(KafkaBrokerProcess.ADMIN_USER), false)))) {
            admin.createAcls(PvcResizerAcls.bindings(new PvcResizerAcls.Principals("User:watcher", "User:resize", "User:fs"),
                    List.of())).all().get(60, TimeUnit.SECONDS);
        }
        cluster = LocalCluster.start(broker.bootstrapServers(), work.resolve("images"), work.resolve("kubelet"))
                .withWatcherArgs(springArgs("watcher"))
                .withResizeServiceArgs(springArgs("resize"))
                .withFsServiceArgs(springArgs("fs"))
                .withServices("node-a");
        objects = new ClusterObjects(cluster.client());
        objects.createStorageClass();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private static String[] springArgs(String user) {
        return broker.clientProperties(user, USERS.get(user), true).entrySet().stream()
                .map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
    }

    @Test
    void shouldResizeThroughTheSecuredBrokerWithEachServicesOwnCredentials() throws Exception {
        objects.createBoundClaim("data-sasl", "pv-sasl", "pv-sasl.img", "320Mi", "xfs");
        Pod pod = objects.createPod("app-sasl", "data-sasl", "node-a", "Running");
        try (LoopVolume volume = LoopVolume.create(cluster.imageDir(), "pv-sasl.img", 320 * MI, "xfs")) {
            volume.mountAt(LoopVolume.podMountPath(cluster.kubeletRoot(), pod.getMetadata().getUid(), "pv-sasl"));

            objects.request("data-sasl", "640Mi");

            await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
                assertThat(objects.capacity("data-sasl")).isEqualTo(new Quantity("640Mi"));
                assertThat(objects.claimEventReasons("data-sasl")).contains("FileSystemResizeSuccessful");
            });
            assertThat(volume.dfSizeBytes()).isGreaterThan(500 * MI);
        }
    }

    @Test
    void shouldDenyARequestFromAClientWithoutTheWatchersAcl() {
        for (String user : List.of("intruder", "fs", "resize")) {
            Throwable denied = catchThrowable(() -> produceRequest(user));

            assertThat(denied).as(user).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(TopicAuthorizationException.class);
        }
    }

    @Test
    void shouldReportACredentialsRefusalAsSuch() {
        Map<String, Object> wrong = new HashMap<>(broker.clientProperties("watcher", "not-the-password", false));
        try (KafkaHealthIndicator health = new KafkaHealthIndicator(wrong, Duration.ofSeconds(5))) {
            Health down = health.health();

            assertThat(down.getStatus()).isEqualTo(Status.DOWN);
            assertThat(down.getDetails().get("reason").toString()).contains("refused this service's credentials");
            assertThat(down.getDetails().get("error").toString()).contains("SaslAuthenticationException");
        }
    }

    private static void produceRequest(String user) throws Exception {
        Map<String, Object> config = new HashMap<>(broker.clientProperties(user, USERS.get(user), false));
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        VolumeRef ref = new VolumeRef("default", "victim", UUID.randomUUID().toString(), "pv-victim");
        VolumeExpansionRequested forged = new VolumeExpansionRequested(EventHeader.next("op-forged", ref), "file.pvc-resizer.io",
                "pv-victim.img", Map.of(), VolumeMode.Filesystem, 0, 1L << 40, "1Ti");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.VOLUME_REQUESTS_NAME, "pv-victim", new EventCodec().encode(forged)))
                    .get(30, TimeUnit.SECONDS);
        }
    }
}
