package io.pvcresizer.watcher.it;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.pvcresizer.common.testing.KubeMiniCluster;
import io.pvcresizer.watcher.fixtures.TestClaims;
import io.pvcresizer.watcher.fixtures.TestVolumes;
import java.nio.file.Path;
import java.time.Duration;
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

    /**
     * A claim of {@code className} requesting {@code size}, bound to a PV of that capacity and {@code fsType}, as a
     * provisioner leaves them: the PV pre-bound to the claim first, then the claim naming it, returned once
     * kube-controller-manager's binder has completed the binding (until then a change of the request is refused, as
     * for any unbound claim). Right after an API server outage the binder may take half a minute: its watches come
     * back with client-go's backoff.
     */
    public PersistentVolumeClaim createBound(String name, String size, String className, String fsType) {
        return createBound(name, size, className, fsType, pv -> { });
    }

    /** As {@link #createBound(String, String, String, String)}, with the PV changed by {@code volume} first (its driver, handle). */
    public PersistentVolumeClaim createBound(String name, String size, String className, String fsType,
            java.util.function.Consumer<io.fabric8.kubernetes.api.model.PersistentVolume> volume) {
        PersistentVolumeClaim pvc = TestClaims.bound(name).withClass(className).requesting(size).withCapacity(size).build();
        pvc.getMetadata().setUid(null);
        pvc.setStatus(null);
        io.fabric8.kubernetes.api.model.PersistentVolume pv = TestVolumes.boundTo(pvc, size, fsType);
        volume.accept(pv);
        client.persistentVolumes().resource(pv).create();
        client.persistentVolumeClaims().inNamespace(TestClaims.NAMESPACE).resource(pvc).create();
        await().atMost(Duration.ofSeconds(90)).until(() -> {
            PersistentVolumeClaim now = client.persistentVolumeClaims().inNamespace(TestClaims.NAMESPACE).withName(name).get();
            return now.getMetadata().getAnnotations() != null
                    && "yes".equals(now.getMetadata().getAnnotations().get("pv.kubernetes.io/bind-completed"))
                    && now.getStatus() != null && "Bound".equals(now.getStatus().getPhase());
        });
        return client.persistentVolumeClaims().inNamespace(TestClaims.NAMESPACE).withName(name).get();
    }

    /**
     * Raises (or lowers) the claim's storage request as {@code kubectl patch} does: a merge patch without a
     * resourceVersion, so that kube-controller-manager writing the claim at the same moment cannot make it a 409.
     */
    public void request(String name, String size) {
        client.persistentVolumeClaims().inNamespace(TestClaims.NAMESPACE).withName(name)
                .patch(io.fabric8.kubernetes.client.dsl.base.PatchContext.of(io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
                        "{\"spec\":{\"resources\":{\"requests\":{\"storage\":\"" + size + "\"}}}}");
    }

    /**
     * Starts a watcher on this API server and broker as its own service account, competing for the Lease as
     * {@code identity}, with fast leader election, resyncs and retries for tests; {@code extraArgs} add settings (none
     * of the ones given here: a repeated command-line key would be read as a list).
     */
    public org.springframework.context.ConfigurableApplicationContext startWatcher(String identity, String... extraArgs) {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of(
                "--server.port=0",
                "--spring.kafka.bootstrap-servers=" + bootstrapServers(),
                "--pvc-resizer.watcher.kubeconfig=" + watcherKubeconfig,
                "--pvc-resizer.watcher.leader-election.lease-namespace=" + WATCHER_NAMESPACE,
                "--pvc-resizer.watcher.leader-election.identity=" + identity,
                "--pvc-resizer.watcher.leader-election.lease-duration=3s",
                "--pvc-resizer.watcher.leader-election.renew-deadline=2s",
                "--pvc-resizer.watcher.leader-election.retry-period=500ms",
                "--pvc-resizer.watcher.resync-period=2s",
                "--pvc-resizer.kafka.partitions=2",
                "--pvc-resizer.kafka.retry.initial-interval=50ms",
                "--pvc-resizer.kafka.retry.max-retries=2"));
        args.addAll(java.util.List.of(extraArgs));
        return new org.springframework.boot.builder.SpringApplicationBuilder(io.pvcresizer.watcher.WatcherServiceApplication.class)
                .run(args.toArray(String[]::new));
    }

    /**
     * Changes the claim as {@code kubectl edit} does (read, change, write with the resourceVersion read), again when
     * kube-controller-manager wrote the claim in between (409): a test's edit must not fail because of that race.
     */
    public void editClaim(String name, java.util.function.UnaryOperator<PersistentVolumeClaim> change) {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20))
                .ignoreExceptionsMatching(e -> e instanceof io.fabric8.kubernetes.client.KubernetesClientException k && k.getCode() == 409)
                .until(() -> {
                    client.persistentVolumeClaims().inNamespace(TestClaims.NAMESPACE).withName(name).edit(change);
                    return true;
                });
    }

    @Override
    public void close() {
        client.close();
        broker.destroy();
    }
}
