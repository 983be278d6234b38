package io.pvcresizer.testkit;

import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.util.HashMap;

/**
 * The demo's stand-in for Kubernetes on a machine that cannot build the real control plane (no Go): fabric8's mock
 * API server in CRUD mode, in memory, plain HTTP, no authentication, no admission, no discovery (kubectl cannot use
 * it). Never used by a test: every test runs on the real control plane.
 */
final class FallbackApiServer implements AutoCloseable {

    private final KubernetesMockServer server;
    private final NamespacedKubernetesClient client;

    private FallbackApiServer(KubernetesMockServer server) {
        this.server = server;
        this.client = server.createClient();
    }

    static FallbackApiServer start() {
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init();
        return new FallbackApiServer(server);
    }

    NamespacedKubernetesClient client() {
        return client;
    }

    String url() {
        return server.url("/");
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }
}
