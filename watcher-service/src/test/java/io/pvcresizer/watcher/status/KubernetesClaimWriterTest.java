package io.pvcresizer.watcher.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.pvcresizer.watcher.fixtures.TestClaims;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The writer's answer to a run of 409s on its status writes: read again and retry, then give up. A real API server
 * answers one 409 to a stale write ({@code ApiServerSemanticsIT}) but not a run of them on demand, so fabric8's mock
 * server in expectations mode scripts them here.
 */
class KubernetesClaimWriterTest {

    private static final String PATH = "/api/v1/namespaces/apps/persistentvolumeclaims/data-0";

    private KubernetesMockServer server;
    private KubernetesClient client;

    @BeforeEach
    void start() {
        server = new KubernetesMockServer(false);
        server.init();
        client = server.createClient();
    }

    @AfterEach
    void stop() {
        client.close();
        server.destroy();
    }

    @Test
    void shouldReadAgainAndRetryWhenTheStatusWriteConflicts() throws Exception {
        PersistentVolumeClaim first = new PersistentVolumeClaimBuilder(TestClaims.bound("data-0").build())
                .editMetadata().withResourceVersion("1").endMetadata().build();
        PersistentVolumeClaim second = new PersistentVolumeClaimBuilder(first)
                .editMetadata().withResourceVersion("2").endMetadata().build();
        server.expect().get().withPath(PATH).andReturn(200, first).once();
        server.expect().get().withPath(PATH).andReturn(200, second).once();
        server.expect().put().withPath(PATH + "/status").andReturn(409, new StatusBuilder().withCode(409)
                .withReason("Conflict").withMessage("the object has been modified").build()).once();
        server.expect().put().withPath(PATH + "/status").andReturn(200, second).once();

        new KubernetesClaimWriter(client).updateClaimStatus("apps", "data-0", "uid-data-0",
                ClaimStatusUpdates.refused("ShrinkNotSupported", "cannot shrink", Instant.now()));

        List<String> calls = new ArrayList<>();
        RecordedRequest request;
        while ((request = server.takeRequest(1, TimeUnit.SECONDS)) != null) {
            calls.add(request.getMethod() + " " + request.getPath());
        }
        assertThat(calls).containsExactly("GET " + PATH, "PUT " + PATH + "/status", "GET " + PATH, "PUT " + PATH + "/status");
    }

    @Test
    void shouldWriteNothingWhenTheClaimWasRecreatedWithAnotherUid() throws Exception {
        PersistentVolumeClaim other = TestClaims.bound("data-0").withUid("another-uid").build();
        server.expect().get().withPath(PATH).andReturn(200, other).once();

        assertThat(new KubernetesClaimWriter(client).updateClaimStatus("apps", "data-0", "uid-data-0",
                ClaimStatusUpdates.refused("ShrinkNotSupported", "cannot shrink", Instant.now()))).isEmpty();
        assertThat(server.getRequestCount()).isEqualTo(1);
    }
}
