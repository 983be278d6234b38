package io.pvcresizer.watcher.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.pvcresizer.common.events.VolumeExpansionRequested;
import io.pvcresizer.common.testing.RecordingConsumer;
import io.pvcresizer.common.topics.Topics;
import io.pvcresizer.watcher.election.Leadership;
import io.pvcresizer.watcher.fixtures.TestClaims;
import io.pvcresizer.watcher.fixtures.TestVolumes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A watcher (re)started while kube-apiserver and etcd are down: it comes up live but not ready, waits, and once the
 * API server is back it fills its caches, takes the Lease and acts on a resize, with no restart of its own.
 */
class ApiServerOutageIT {

    private ApiAndBroker env;
    private ConfigurableApplicationContext watcher;
    private RecordingConsumer recorder;

    @BeforeEach
    void start() {
        env = new ApiAndBroker();
        env.client.storage().v1().storageClasses().resource(TestVolumes.storageClass(TestClaims.CLASS, true)).create();
        recorder = new RecordingConsumer(env.bootstrapServers(), List.of(Topics.VOLUME_REQUESTS_NAME));
    }

    @AfterEach
    void stop() {
        if (!env.cluster.ready()) {
            env.cluster.resume();
        }
        recorder.close();
        if (watcher != null) {
            watcher.close();
        }
        env.close();
    }

    private static int health(ConfigurableApplicationContext context, String group) throws Exception {
        String port = context.getEnvironment().getProperty("local.server.port");
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + port + "/actuator/health/" + group)).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @Test
    void shouldWaitForTheApiServerAndThenAct() throws Exception {
        env.cluster.pause();

        watcher = env.startWatcher("watcher-outage");

        assertThat(health(watcher, "liveness")).as("live while the API server is down").isEqualTo(200);
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() ->
                !watcher.getBean(Leadership.class).isLeader() && health(watcher, "readiness") == 503);

        env.cluster.resume();

        await().atMost(Duration.ofSeconds(60)).until(() -> watcher.getBean(Leadership.class).isLeader());
        await().atMost(Duration.ofSeconds(30)).until(() -> health(watcher, "readiness") == 200);
        PersistentVolumeClaim created = env.createBound("after-outage", "1Gi", TestClaims.CLASS, "xfs");
        env.request("after-outage", "2Gi");

        String pv = created.getSpec().getVolumeName();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(recorder.events(Topics.VOLUME_REQUESTS_NAME,
                VolumeExpansionRequested.class)).anySatisfy(r -> assertThat(r.volume().pvName()).isEqualTo(pv)));
    }
}
