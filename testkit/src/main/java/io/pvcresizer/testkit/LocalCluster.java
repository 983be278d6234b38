package io.pvcresizer.testkit;

import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.pvcresizer.common.testing.KubeMiniCluster;
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
 * A whole pvc-resizer installation: a real Kubernetes control plane ({@link KubeMiniCluster}: etcd, kube-apiserver,
 * kube-controller-manager; emptied of earlier runs' objects, with the RBAC of {@code deploy/base}), a Kafka broker (an
 * in-process KRaft broker unless one is given), and the watcher (authenticated as its own service account),
 * resize-service and one fs-service per node, each its own Spring application or JVM.
 */
public final class LocalCluster implements AutoCloseable {

    private final EmbeddedKafkaKraftBroker ownBroker;
    private final String bootstrapServers;
    /** The watcher's service account and namespace in {@code deploy/base}. */
    public static final String WATCHER_NAMESPACE = "pvc-resizer";
    public static final String WATCHER_ACCOUNT = "watcher-service";

    private final KubeMiniCluster api;
    /** Only on a machine that cannot build the control plane, for the demo: see {@link #startOrFallBack}. */
    private final FallbackApiServer fallback;
    private final NamespacedKubernetesClient client;
    private final Path watcherKubeconfig;
    private final Path imageDir;
    private final Path kubeletRoot;
    private final List<ConfigurableApplicationContext> services = Collections.synchronizedList(new ArrayList<>());
    private final List<String> resizeServiceArgs = new ArrayList<>();
    private final List<String> watcherServiceArgs = new ArrayList<>();
    private final List<String> fsServiceArgs = new ArrayList<>();
    private final List<String> extraServiceArgs = new ArrayList<>();
    private Path backendImageDir;
    private final List<ServiceProcess> processes = Collections.synchronizedList(new ArrayList<>());
    private Path processLogs;

    private LocalCluster(String bootstrapServers, Path imageDir, Path kubeletRoot, boolean fallBack) {
        if (bootstrapServers == null) {
            ownBroker = new EmbeddedKafkaKraftBroker(1, 1);
            ownBroker.afterPropertiesSet();
            this.bootstrapServers = ownBroker.getBrokersAsString();
        } else {
            ownBroker = null;
            this.bootstrapServers = bootstrapServers;
        }
        if (fallBack) {
            api = null;
            fallback = FallbackApiServer.start();
            client = fallback.client();
            watcherKubeconfig = null;
        } else {
            api = KubeMiniCluster.shared();
            fallback = null;
            api.applyDeployRbac();
            client = api.adminClient();
            api.resetObjects(client, ClusterObjects.NAMESPACE);
            watcherKubeconfig = api.serviceAccountKubeconfig(WATCHER_NAMESPACE, WATCHER_ACCOUNT);
        }
        this.imageDir = imageDir;
        this.kubeletRoot = kubeletRoot;
    }

    /** Starts the API server and a broker of its own (or uses {@code bootstrapServers} when not null); no services yet. */
    public static LocalCluster start(String bootstrapServers, Path imageDir, Path kubeletRoot) {
        return new LocalCluster(bootstrapServers, imageDir, kubeletRoot, false);
    }

    /**
     * As {@link #start}, but on a machine where the real control plane can be neither found running nor built (no Go),
     * with {@link FallbackApiServer} in its place: for the demo only, which says so.
     */
    public static LocalCluster startOrFallBack(String bootstrapServers, Path imageDir, Path kubeletRoot) {
        return new LocalCluster(bootstrapServers, imageDir, kubeletRoot, !KubeMiniCluster.runnable());
    }

    /** Whether this installation runs on the real control plane (false: on the demo's fallback). */
    public boolean realControlPlane() {
        return api != null;
    }

    /**
     * Runs the services started after this call as separate JVMs from their executable jars (as in production), logging
     * to {@code logDir}, instead of as applications inside this JVM.
     */
    public LocalCluster asSeparateProcesses(Path logDir) {
        this.processLogs = logDir;
        return this;
    }

    /** The services running as separate processes, in start order. */
    public List<ServiceProcess> processes() {
        return List.copyOf(processes);
    }

    /** Adds settings to the watcher only (its own Kafka credentials, say). */
    public LocalCluster withWatcherArgs(String... args) {
        watcherServiceArgs.addAll(List.of(args));
        return this;
    }

    /** Adds settings to every fs-service only. */
    public LocalCluster withFsServiceArgs(String... args) {
        fsServiceArgs.addAll(List.of(args));
        return this;
    }

    /** Adds settings to resize-service only. */
    public LocalCluster withResizeServiceArgs(String... args) {
        resizeServiceArgs.addAll(List.of(args));
        return this;
    }

    /** Lets resize-service reach a Ceph cluster as {@code clusterId} (ceph-csi's {@code clusterID} attribute). */
    public LocalCluster withCephCluster(String clusterId, Path conf, Path keyring) {
        resizeServiceArgs.add("--pvc-resizer.resize.ceph.clusters." + clusterId + ".conf=" + conf);
        resizeServiceArgs.add("--pvc-resizer.resize.ceph.clusters." + clusterId + ".keyring=" + keyring);
        return this;
    }

    /** Adds settings (such as {@code --pvc-resizer.watcher.failed-retry-after=10s}) to every service started after. */
    public LocalCluster withServiceArgs(String... args) {
        extraServiceArgs.addAll(List.of(args));
        return this;
    }

    /**
     * Lets resize-service reach the images through {@code dir} (a bind mount of the image directory, say, that can be
     * made read-only to stage a backend outage) while the nodes keep using the image directory itself.
     */
    public LocalCluster withBackendImageDir(Path dir) {
        this.backendImageDir = dir;
        return this;
    }

    /** Starts the watcher, resize-service and one fs-service for each of {@code nodes}. */
    public LocalCluster withServices(String... nodes) {
        if (processLogs != null) {
            startWatcherProcess("watcher-service", "watcher-0");
            startResizeProcess();
            for (String node : nodes) {
                startFsProcess(node);
            }
            processes().forEach(process -> process.awaitLive(java.time.Duration.ofSeconds(120)));
            return this;
        }
        startWatcher("watcher-0");
        startResizeService();
        for (String node : nodes) {
            startFsService(node);
        }
        return this;
    }

    /** Starts a watcher as a separate JVM, named {@code name} and competing for the Lease as {@code identity}. */
    public ServiceProcess startWatcherProcess(String name, String identity) {
        return startProcess(name, "watcher-service", watcherArgs(identity));
    }

    /** Starts resize-service as a separate JVM. */
    public ServiceProcess startResizeProcess() {
        return startProcess("resize-service", "resize-service", resizeArgs());
    }

    /** Starts the fs-service of {@code node} as a separate JVM. */
    public ServiceProcess startFsProcess(String node) {
        return startProcess("fs-service-" + node, "fs-service", fsArgs(node));
    }

    private ServiceProcess startProcess(String name, String module, String[] specific) {
        if (processLogs == null) {
            throw new IllegalStateException("call asSeparateProcesses first");
        }
        ServiceProcess process = ServiceProcess.start(name, ServiceProcess.jarOf(ServiceProcess.sourceRoot(), module),
                processLogs, serviceArgs(specific));
        processes.add(process);
        return process;
    }

    /** Starts a killed service process again with the same settings and puts it in the place of the old one. */
    public ServiceProcess restart(ServiceProcess killed) {
        ServiceProcess restarted = killed.restart();
        synchronized (processes) {
            int at = processes.indexOf(killed);
            if (at >= 0) {
                processes.set(at, restarted);
            } else {
                processes.add(restarted);
            }
        }
        return restarted;
    }

    public ConfigurableApplicationContext startWatcher(String identity) {
        return run(WatcherServiceApplication.class, watcherArgs(identity));
    }

    private String[] watcherArgs(String identity) {
        List<String> args = new ArrayList<>(List.of(
                api != null ? "--pvc-resizer.watcher.kubeconfig=" + watcherKubeconfig
                        : "--pvc-resizer.watcher.api-server=" + fallback.url(),
                "--pvc-resizer.watcher.leader-election.lease-namespace=" + WATCHER_NAMESPACE,
                "--pvc-resizer.watcher.leader-election.identity=" + identity,
                "--pvc-resizer.watcher.leader-election.lease-duration=4s",
                "--pvc-resizer.watcher.leader-election.renew-deadline=3s",
                "--pvc-resizer.watcher.leader-election.retry-period=500ms",
                "--pvc-resizer.watcher.resync-period=5s"));
        args.addAll(watcherServiceArgs);
        return args.toArray(String[]::new);
    }

    public ConfigurableApplicationContext startResizeService() {
        return run(ResizeServiceApplication.class, resizeArgs());
    }

    private String[] resizeArgs() {
        List<String> args = new ArrayList<>(resizeServiceArgs);
        args.add("--pvc-resizer.resize.local-file.image-dir=" + (backendImageDir == null ? imageDir : backendImageDir));
        return args.toArray(String[]::new);
    }

    public ConfigurableApplicationContext startFsService(String node) {
        return run(FsServiceApplication.class, fsArgs(node));
    }

    private String[] fsArgs(String node) {
        List<String> args = new ArrayList<>(List.of(
                "--pvc-resizer.fs.node-name=" + node,
                "--pvc-resizer.fs.kubelet-root=" + kubeletRoot,
                "--pvc-resizer.fs.local-file.image-dir=" + imageDir));
        args.addAll(fsServiceArgs);
        return args.toArray(String[]::new);
    }

    private ConfigurableApplicationContext run(Class<?> application, String... specific) {
        List<String> args = serviceArgs(specific);
        args.add(0, "--server.port=0");
        ConfigurableApplicationContext context = new SpringApplicationBuilder(application).run(args.toArray(String[]::new));
        services.add(context);
        return context;
    }

    /** The settings every service gets: the broker, fast retries for a local cluster, and its own. */
    private List<String> serviceArgs(String... specific) {
        List<String> args = new ArrayList<>(List.of(
                "--spring.kafka.bootstrap-servers=" + bootstrapServers,
                "--pvc-resizer.kafka.partitions=3",
                "--pvc-resizer.kafka.retry.initial-interval=200ms",
                "--pvc-resizer.kafka.retry.max-retries=3"));
        args.addAll(extraServiceArgs);
        args.addAll(List.of(specific));
        return args;
    }

    /** What every running service serves at {@code /actuator/prometheus}, one after the other. */
    public String scrapeMetrics() throws java.io.IOException, InterruptedException {
        StringBuilder all = new StringBuilder();
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        for (ConfigurableApplicationContext context : new ArrayList<>(services)) {
            String port = context.getEnvironment().getProperty("local.server.port");
            all.append(http.send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create("http://127.0.0.1:" + port + "/actuator/prometheus")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body());
        }
        for (ServiceProcess process : processes()) {
            all.append(process.get("/actuator/prometheus"));
        }
        return all.toString();
    }

    /** A client of the API server, for creating and reading the objects a user would. */
    public NamespacedKubernetesClient client() {
        return client;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The control plane itself: its kubectl, its audit log, an outage of it. */
    public KubeMiniCluster kube() {
        return api;
    }

    /** The kubeconfig the watcher authenticates with: its own service account's. */
    public Path watcherKubeconfig() {
        return watcherKubeconfig;
    }

    public Path kubeletRoot() {
        return kubeletRoot;
    }

    public Path imageDir() {
        return imageDir;
    }

    @Override
    public void close() {
        List<ServiceProcess> started = new ArrayList<>(processes);
        Collections.reverse(started);
        started.forEach(ServiceProcess::close);
        List<ConfigurableApplicationContext> running = new ArrayList<>(services);
        Collections.reverse(running);
        running.forEach(ConfigurableApplicationContext::close);
        client.close();
        if (fallback != null) {
            fallback.close();
        }
        if (ownBroker != null) {
            ownBroker.destroy();
        }
    }
}
