package io.pvcresizer.watcher.it;

import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.pvcresizer.common.testing.KubeMiniCluster;
import io.pvcresizer.watcher.fixtures.TestClaims;
import java.nio.file.Path;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * Test support: a real in-process KRaft Kafka broker of a test class's own, and the real Kubernetes API server of the
 * JVM ({@link KubeMiniCluster}) emptied of earlier tests' objects, with the RBAC of {@code deploy/base} applied and a
 * kubeconfig of the watcher's own service account, so that the watcher runs with exactly the rights it ships with.
 */
public final class ApiAndBroker implements AutoCloseable {

    /** The watcher's service account and namespace in {@code deploy/base}. */
    public static final String WATCHER_NAMESPACE = "pvc-resizer";
    public static final String WATCHER_ACCOUNT = "watcher-service";

    public final EmbeddedKafkaKraftBroker broker;
    public final KubeMiniCluster cluster;
    /** The administrator's client, for creating and reading the objects a user would. */
    public final NamespacedKubernetesClient client;
    private final Path watcherKubeconfig;

    public ApiAndBroker() {
        cluster = KubeMiniCluster.shared();
        cluster.applyDeployRbac();
        client = cluster.adminClient();
        cluster.resetObjects(client, TestClaims.NAMESPACE);
        watcherKubeconfig = cluster.serviceAccountKubeconfig(WATCHER_NAMESPACE, WATCHER_ACCOUNT);
        broker = new EmbeddedKafkaKraftBroker(1, 1);
        broker.afterPropertiesSet();
    }

    public String bootstrapServers() {
        return broker.getBrokersAsString();
    }

    /** A kubeconfig authenticating as the watcher's service account of {@code deploy/base}. */
    public Path watcherKubeconfig() {
        return watcherKubeconfig;
    }

    @Override
    public void close() {
        client.close();
        broker.destroy();
    }
}
