package io.pvcresizer.e2e;

import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.pvcresizer.fs.FsServiceApplication;
import io.pvcresizer.resize.ResizeServiceApplication;
import io.pvcresizer.watcher.WatcherServiceApplication;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * A whole pvc-resizer installation in one JVM: an API server (fabric8's mock in CRUD mode, standing in for
 * Kubernetes), a Kafka broker (an in-process KRaft broker unless one is given), and the watcher, resize-service and
 * one fs-service per node, each its own Spring application.
 */
public final class LocalCluster implements AutoCloseable {

    private final EmbeddedKafkaKraftBroker ownBroker;
    private final String bootstrapServers;
    private final KubernetesMockServer api;
    private final NamespacedKubernetesClient client;
    private final Path imageDir;
    private final Path kubeletRoot;
    private final List<ConfigurableApplicationContext> services = Collections.synchronizedList(new ArrayList<>());
    private final List<String> resizeServiceArgs = new ArrayList<>();

    private LocalCluster(String bootstrapServers, Path imageDir, Path kubeletRoot) {
        if (bootstrapServers == null) {
            ownBroker = new EmbeddedKafkaKraftBroker(1, 1);
            ownBroker.afterPropertiesSet();
            this.bootstrapServers = ownBroker.getBrokersAsString();
        } else {
            ownBroker = null;
            this.bootstrapServers = bootstrapServers;
        }
        api = new KubernetesMockServer(new Context(), new MockWebServer(), new java.util.HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        api.init();
        client = api.createClient();
        this.imageDir = imageDir;
        this.kubeletRoot = kubeletRoot;
    }

    /** Starts the API server and a broker of its own (or uses {@code bootstrapServers} when not null); no services yet. */
    public static LocalCluster start(String bootstrapServers, Path imageDir, Path kubeletRoot) {
        return new LocalCluster(bootstrapServers, imageDir, kubeletRoot);
    }

    /** Lets resize-service reach a Ceph cluster as {@code clusterId} (ceph-csi's {@code clusterID} attribute). */
    public LocalCluster withCephCluster(String clusterId, Path conf, Path keyring) {
        resizeServiceArgs.add("--pvc-resizer.resize.ceph.clusters." + clusterId + ".conf=" + conf);
        resizeServiceArgs.add("--pvc-resizer.resize.ceph.clusters." + clusterId + ".keyring=" + keyring);
        return this;
    }

    /** Starts the watcher, resize-service and one fs-service for each of {@code nodes}. */
    public LocalCluster withServices(String... nodes) {
        startWatcher("watcher-0");
        startResizeService();
        for (String node : nodes) {
            startFsService(node);
        }
        return this;
    }

    public ConfigurableApplicationContext startWatcher(String identity) {
        return run(WatcherServiceApplication.class,
                "--pvc-resizer.watcher.api-server=" + api.url("/"),
                "--pvc-resizer.watcher.leader-election.identity=" + identity,
                "--pvc-resizer.watcher.leader-election.lease-duration=4s",
                "--pvc-resizer.watcher.leader-election.renew-deadline=3s",
                "--pvc-resizer.watcher.leader-election.retry-period=500ms",
                "--pvc-resizer.watcher.resync-period=5s");
    }

    public ConfigurableApplicationContext startResizeService() {
        List<String> args = new ArrayList<>(resizeServiceArgs);
        args.add("--pvc-resizer.resize.local-file.image-dir=" + imageDir);
        return run(ResizeServiceApplication.class, args.toArray(String[]::new));
    }

    public ConfigurableApplicationContext startFsService(String node) {
        return run(FsServiceApplication.class,
                "--pvc-resizer.fs.node-name=" + node,
                "--pvc-resizer.fs.kubelet-root=" + kubeletRoot,
                "--pvc-resizer.fs.local-file.image-dir=" + imageDir);
    }

    private ConfigurableApplicationContext run(Class<?> application, String... specific) {
        List<String> args = new ArrayList<>(List.of(
                "--server.port=0",
                "--spring.kafka.bootstrap-servers=" + bootstrapServers,
                "--pvc-resizer.kafka.partitions=3",
                "--pvc-resizer.kafka.retry.initial-interval=200ms",
                "--pvc-resizer.kafka.retry.max-retries=3"));
        args.addAll(List.of(specific));
        ConfigurableApplicationContext context = new SpringApplicationBuilder(application).run(args.toArray(String[]::new));
        services.add(context);
        return context;
    }

    /** A client of the API server, for creating and reading the objects a user would. */
    public NamespacedKubernetesClient client() {
        return client;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public Path kubeletRoot() {
        return kubeletRoot;
    }

    public Path imageDir() {
        return imageDir;
    }

    @Override
    public void close() {
        List<ConfigurableApplicationContext> running = new ArrayList<>(services);
        Collections.reverse(running);
        running.forEach(ConfigurableApplicationContext::close);
        client.close();
        api.destroy();
        if (ownBroker != null) {
            ownBroker.destroy();
        }
    }
}
