package io.pvcresizer.e2e;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.concurrent.CountDownLatch;

/**
 * The embedded Kubernetes API server of the demos as a program of its own (the {@code api-server} of
 * docker-compose.yml): fabric8's mock in CRUD mode, keeping objects in memory, on {@code PVC_RESIZER_DEMO_API_ADDRESS}
 * (default 127.0.0.1) and {@code PVC_RESIZER_DEMO_API_PORT} (default 6443), plain HTTP, no authentication. A stand-in
 * for a cluster, for demos only.
 */
public final class DemoApiServer {

    private DemoApiServer() {
    }

    public static void main(String[] args) throws Exception {
        String address = System.getenv().getOrDefault("PVC_RESIZER_DEMO_API_ADDRESS", "127.0.0.1");
        int port = Integer.parseInt(System.getenv().getOrDefault("PVC_RESIZER_DEMO_API_PORT", "6443"));
        KubernetesMockServer api = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        api.init(InetAddress.getByName(address), port);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            api.destroy();
            stopped.countDown();
        }, "api-server-stop"));
        System.out.println("demo Kubernetes API server (in-memory, for demos only) listening on http://" + address + ":" + port);
        stopped.await();
    }
}
