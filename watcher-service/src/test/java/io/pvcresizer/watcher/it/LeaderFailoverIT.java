package io.pvcresizer.watcher.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.pvcresizer.common.events.VolumeExpansionRequested;
import io.pvcresizer.common.testing.RecordingConsumer;
import io.pvcresizer.common.topics.Topics;
import io.pvcresizer.watcher.election.Leadership;
import io.pvcresizer.watcher.fixtures.TestClaims;
import io.pvcresizer.watcher.fixtures.TestVolumes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/** Two watcher replicas on one Lease: only the leader acts, and when it goes the standby takes over and finishes the work. */
class LeaderFailoverIT {

    private ApiAndBroker env;
    private ConfigurableApplicationContext first;
    private ConfigurableApplicationContext second;
    private RecordingConsumer recorder;

    @BeforeEach
    void start() {
        env = new ApiAndBroker();
        env.client.storage().v1().storageClasses().resource(TestVolumes.storageClass(TestClaims.CLASS, true)).create();
        first = env.startWatcher("watcher-a");
        second = env.startWatcher("watcher-b");
        recorder = new RecordingConsumer(env.bootstrapServers(), List.of(Topics.VOLUME_REQUESTS_NAME));
    }

    @AfterEach
    void stop() {
        recorder.close();
        if (first.isActive()) {
            first.close();
        }
        if (second.isActive()) {
            second.close();
        }
        env.close();
    }

    private static boolean leads(ConfigurableApplicationContext context) {
        return context.isActive() && context.getBean(Leadership.class).isLeader();
    }

    private PersistentVolumeClaim createBound(String name, String size) {
        return env.createBound(name, size, TestClaims.CLASS, "xfs");
    }

    private void request(String name, String size) {
        env.request(name, size);
    }

    private long requestsFor(String pvName) {
        return recorder.events(Topics.VOLUME_REQUESTS_NAME, VolumeExpansionRequested.class).stream()
                .filter(r -> r.volume().pvName().equals(pvName)).count();
    }

    @Test
    void shouldLetOnlyTheLeaderActAndHandOverWhenItStops() {
        await().atMost(Duration.ofSeconds(20)).until(() -> leads(first) ^ leads(second));
        ConfigurableApplicationContext leader = leads(first) ? first : second;
        ConfigurableApplicationContext standby = leader == first ? second : first;
        Lease lease = env.client.leases().inNamespace(ApiAndBroker.WATCHER_NAMESPACE).withName("pvc-resizer-watcher").get();
        assertThat(lease.getSpec().getHolderIdentity()).isEqualTo(leader == first ? "watcher-a" : "watcher-b");

        PersistentVolumeClaim before = createBound("before", "1Gi");
        request("before", "2Gi");
        await().atMost(Duration.ofSeconds(20)).until(() -> requestsFor(before.getSpec().getVolumeName()) >= 1);
        // Both replicas saw the change through their informers; only the leader published.
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(6))
                .until(() -> requestsFor(before.getSpec().getVolumeName()) == 1);

        leader.close();

        await().atMost(Duration.ofSeconds(20)).until(() -> leads(standby));
        PersistentVolumeClaim after = createBound("after", "1Gi");
        request("after", "3Gi");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(recorder.events(Topics.VOLUME_REQUESTS_NAME, VolumeExpansionRequested.class))
                        .anySatisfy(r -> {
                            assertThat(r.volume().pvName()).isEqualTo(after.getSpec().getVolumeName());
                            assertThat(r.targetBytes()).isEqualTo(3L * 1024 * 1024 * 1024);
                        }));
    }
}
