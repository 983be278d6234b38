package io.pvcresizer.common.testing;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.pvcresizer.common.command.Command;
import io.pvcresizer.common.command.CommandResult;
import io.pvcresizer.common.command.ProcessCommandRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Test support: a real Kubernetes control plane (etcd, kube-apiserver with RBAC and the default admission plugins,
 * kube-controller-manager) run by {@code testenv/kube-minicluster.sh}, shared by every test of a JVM.
 *
 * <p>{@link #shared()} reuses a cluster already answering in {@code $KUBE_MINICLUSTER_DIR} (default
 * {@code /tmp/pvc-resizer-kube}), which is then left running, or starts one (building the programs first if they are
 * not cached) and stops it when the JVM exits. {@link #applyDeployRbac()} installs the service accounts and RBAC of
 * {@code deploy/base}; {@link #serviceAccountKubeconfig} gives a kubeconfig that authenticates as one of them.
 */
public final class KubeMiniCluster {

    /** Where the script keeps the cluster unless {@code $KUBE_MINICLUSTER_DIR} says otherwise. */
    public static final String DEFAULT_DIR = "/tmp/pvc-resizer-kube";

    private static final String SCRIPT = "testenv/kube-minicluster.sh";
    /** Counts a first build of the programs (minutes on 2 cores) besides the start itself. */
    private static final Duration START_TIMEOUT = Duration.ofMinutes(40);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(90);

    private static final ProcessCommandRunner RUNNER = new ProcessCommandRunner();
    private static KubeMiniCluster shared;

    private final Path script;
    private final Path dir;

    private KubeMiniCluster(Path script, Path dir) {
        this.script = script;
        this.dir = dir;
    }

    /**
     * The cluster of this JVM: one already answering in the directory is reused as it is; otherwise the script starts
     * one, and a shutdown hook stops it when the JVM exits.
     *
     * @throws IllegalStateException when the cluster cannot be built or started (with the script's output)
     */
    public static synchronized KubeMiniCluster shared() {
        if (shared != null) {
            return shared;
        }
        String configured = System.getenv("KUBE_MINICLUSTER_DIR");
        Path dir = Path.of(configured == null || configured.isBlank() ? DEFAULT_DIR : configured).toAbsolutePath();
        KubeMiniCluster cluster = new KubeMiniCluster(findProjectFile(SCRIPT), dir);
        if (!cluster.ready()) {
            cluster.script(START_TIMEOUT, "start").orThrow();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    cluster.script(CALL_TIMEOUT, "stop");
                } catch (RuntimeException e) {
                    System.err.println("could not stop the kube minicluster in " + dir + ": " + e.getMessage());
                }
            }, "kube-minicluster-stop"));
        }
        shared = cluster;
        return cluster;
    }

    /**
     * Whether the control plane can run here: one answers already, or its programs are cached, or Go is on PATH to
     * build them.
     */
    public static boolean runnable() {
        String configured = System.getenv("KUBE_MINICLUSTER_DIR");
        Path dir = Path.of(configured == null || configured.isBlank() ? DEFAULT_DIR : configured).toAbsolutePath();
        KubeMiniCluster cluster = new KubeMiniCluster(findProjectFile(SCRIPT), dir);
        return cluster.ready() || cluster.script(Duration.ofSeconds(20), "built").succeeded() || onPath("go");
    }

    /** Whether {@code program} is an executable on the PATH. */
    public static boolean onPath(String program) {
        return ProjectFiles.onPath(program);
    }

    /** Whether the API server answers {@code /readyz}. */
    public boolean ready() {
        return script(Duration.ofSeconds(20), "status").succeeded();
    }

    /** The kubeconfig of the cluster's administrator ({@code system:masters}). */
    public Path adminKubeconfig() {
        return dir.resolve("admin.kubeconfig");
    }

    /** The API server's version, as {@code kubectl version} reports it ({@code v1.37.2}). */
    public String serverVersion() {
        String out = kubectl("version", "-o", "json");
        int server = out.indexOf("\"serverVersion\"");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"gitVersion\":\\s*\"([^\"]+)\"")
                .matcher(out.substring(Math.max(server, 0)));
        return m.find() ? m.group(1) : "(unknown)";
    }

    /** The API server's audit log: one JSON line per answered request (user, verb, resource, code). */
    public Path auditLog() {
        return dir.resolve("log/audit.log");
    }

    /** The directory of the built programs ({@code kubectl}, {@code kube-apiserver}, ...). */
    public Path binDir() {
        for (String line : script(CALL_TIMEOUT, "env").orThrow().stdout().split("\n")) {
            if (line.startsWith("KUBE_MINICLUSTER_BIN=")) {
                return Path.of(line.substring("KUBE_MINICLUSTER_BIN=".length()));
            }
        }
        throw new IllegalStateException("kube-minicluster.sh env printed no KUBE_MINICLUSTER_BIN");
    }

    /**
     * Writes a kubeconfig that authenticates as service account {@code name} of {@code namespace} with a fresh token
     * (its namespace is the context's default) and returns its path.
     */
    public Path serviceAccountKubeconfig(String namespace, String name) {
        return Path.of(script(CALL_TIMEOUT, "kubeconfig", namespace, name).orThrow().stdout().strip());
    }

    /**
     * Runs the cluster's own {@code kubectl} as the administrator and returns its stdout.
     *
     * @throws io.pvcresizer.common.command.CommandFailedException on a non-zero exit, with kubectl's stderr
     */
    public String kubectl(String... args) {
        return kubectlResult(args).orThrow().stdout();
    }

    /** Runs the cluster's own {@code kubectl} as the administrator, whatever its exit code. */
    public CommandResult kubectlResult(String... args) {
        List<String> argv = new ArrayList<>(List.of(binDir().resolve("kubectl").toString(), "--kubeconfig",
                adminKubeconfig().toString()));
        argv.addAll(List.of(args));
        return RUNNER.run(new Command(argv, CALL_TIMEOUT, Set.of()));
    }

    /**
     * Applies the namespace, service accounts and RBAC of {@code deploy/base} (the watcher's ClusterRole and Lease
     * Role, resize-service's and fs-service's accounts), exactly as shipped.
     */
    public void applyDeployRbac() {
        Path base = findProjectFile("deploy/base/namespace.yaml").getParent();
        kubectl("apply", "--server-side", "--force-conflicts", "-f", base.resolve("namespace.yaml").toString(),
                "-f", base.resolve("watcher-rbac.yaml").toString(),
                "-f", base.resolve("resize-serviceaccount.yaml").toString(),
                "-f", base.resolve("fs-serviceaccount.yaml").toString());
    }

    /** A client of the cluster's administrator; the caller closes it. */
    public NamespacedKubernetesClient adminClient() {
        return clientOf(adminKubeconfig());
    }

    /** A client that authenticates with the kubeconfig at {@code kubeconfig}; the caller closes it. */
    public static NamespacedKubernetesClient clientOf(Path kubeconfig) {
        try {
            Config config = Config.fromKubeconfig(null, Files.readString(kubeconfig), kubeconfig.toString());
            return new KubernetesClientBuilder().withConfig(config).build().adapt(NamespacedKubernetesClient.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Leaves the cluster as a test expects to find it: no pods, claims, volumes, storage classes or events left by an
     * earlier test, no watcher Lease, and each of {@code namespaces} present. Finalizers of objects being deleted are
     * cleared, as no kubelet or provisioner runs here to finish them.
     */
    public void resetObjects(NamespacedKubernetesClient admin, String... namespaces) {
        admin.pods().inAnyNamespace().withGracePeriod(0).delete();
        admin.persistentVolumeClaims().inAnyNamespace().delete();
        admin.persistentVolumes().delete();
        admin.storage().v1().storageClasses().delete();
        admin.leases().inNamespace("pvc-resizer").delete();
        admin.v1().events().inAnyNamespace().delete();
        for (String namespace : namespaces) {
            if (admin.namespaces().withName(namespace).get() == null) {
                admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata()
                        .build()).create();
            }
        }
        await().alias("objects of an earlier test deleted").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100)).until(() -> {
                    admin.persistentVolumeClaims().inAnyNamespace().list().getItems().forEach(pvc -> clearFinalizers(() ->
                            admin.persistentVolumeClaims().inNamespace(pvc.getMetadata().getNamespace())
                                    .withName(pvc.getMetadata().getName()).edit(p -> {
                                        p.getMetadata().setFinalizers(List.of());
                                        return p;
                                    })));
                    admin.persistentVolumes().list().getItems().forEach(pv -> clearFinalizers(() ->
                            admin.persistentVolumes().withName(pv.getMetadata().getName()).edit(p -> {
                                p.getMetadata().setFinalizers(List.of());
                                return p;
                            })));
                    return admin.persistentVolumeClaims().inAnyNamespace().list().getItems().isEmpty()
                            && admin.persistentVolumes().list().getItems().isEmpty()
                            && admin.pods().inAnyNamespace().list().getItems().isEmpty();
                });
    }

    /** Runs an edit that clears finalizers; an object gone or changed meanwhile is left to the next round. */
    private static void clearFinalizers(Runnable edit) {
        try {
            edit.run();
        } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
            if (e.getCode() != 404 && e.getCode() != 409) {
                throw e;
            }
        }
    }

    /** Stops kube-apiserver and etcd (the data is kept) to simulate an outage; undo with {@link #resume()}. */
    public void pause() {
        script(CALL_TIMEOUT, "pause").orThrow();
    }

    /** Starts kube-apiserver and etcd again on the same data and returns once {@code /readyz} answers. */
    public void resume() {
        script(CALL_TIMEOUT, "resume").orThrow();
    }

    private CommandResult script(Duration timeout, String... args) {
        List<String> argv = new ArrayList<>(List.of("env", "KUBE_MINICLUSTER_DIR=" + dir, "bash", script.toString()));
        argv.addAll(List.of(args));
        return RUNNER.run(new Command(argv, timeout, Set.of()));
    }

    /** Walks up from the working directory to the project directory holding {@code relative}. */
    public static Path findProjectFile(String relative) {
        return ProjectFiles.find(relative);
    }
}
