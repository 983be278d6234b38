package io.pvcresizer.watcher.it;

import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.util.HashMap;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * Test support: a real in-process KRaft Kafka broker and fabric8's mock API server in CRUD mode, started once and
 * shared by the tests of a class.
 */
public final class ApiAndBroker implements AutoCloseable {

    public final EmbeddedKafkaKraftBroker broker;
    public final KubernetesMockServer api;
    public final NamespacedKubernetesClient client;

    public ApiAndBroker() {
        broker = new EmbeddedKafkaKraftBroker(1, 1);
        broker.afterPropertiesSet();
        api = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
        api.init();
        client = api.createClient();
    }

    public String bootstrapServers() {
        return broker.getBrokersAsString();
    }

    public String apiServerUrl() {
        return api.url("/");
    }

    @Override
    public void close() {
        client.close();
        api.destroy();
        broker.destroy();
    }
}
