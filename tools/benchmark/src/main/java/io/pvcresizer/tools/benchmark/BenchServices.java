package io.pvcresizer.tools.benchmark;

import io.pvcresizer.common.drivers.BuiltInDrivers;
import io.pvcresizer.testkit.LocalCluster;
import io.pvcresizer.testkit.ServiceProcess;
import io.pvcresizer.tools.benchmark.fake.InstantBackendConfiguration;
import io.pvcresizer.tools.benchmark.fake.InstantVolumeExpander;
import io.pvcresizer.tools.benchmark.fake.OnlineNodeGrowthConfiguration;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The three services as separate JVMs for the benchmark: the watcher, resize-service with the instant backend for
 * the benchmark's driver beside its real backends, and one fs-service per node with instant online growth for that
 * driver; every other driver keeps its real code path.
 */
public final class BenchServices implements AutoCloseable {

    /** The CSI driver of the benchmark's volumes. */
    public static final String DRIVER = "bench.pvc-resizer.io";
    /** The driver of RBD volumes, grown for real. */
    public static final String RBD_DRIVER = BuiltInDrivers.RBD;

    private final List<ServiceProcess> jvms = Collections.synchronizedList(new ArrayList<>());

    /** A Ceph cluster resize-service may reach, as ceph-csi's {@code clusterID}. */
    public record Ceph(String clusterId, Path conf, Path keyring) {
    }

    private BenchServices() {
    }

    /**
     * Starts the services against the cluster's broker and API server, one fs-service for each of {@code nodes}, and
     * waits until each is alive.
     */
    public static BenchServices start(LocalCluster cluster, List<String> nodes, List<String> jvmFlags,
                                      List<String> fsJvmFlags, Path workDir,
                                      Ceph ceph) throws Exception {
        BenchServices services = new BenchServices();
        try {
            Path fakes = FakeClasses.writeTo(workDir.resolve("fake-classes"));
            Path logs = workDir.resolve("logs");
            Path root = ServiceProcess.sourceRoot();
            List<String> common = List.of(
                    "--spring.kafka.bootstrap-servers=" + cluster.bootstrapServers());
            List<String> watcher = new ArrayList<>(common);
            watcher.addAll(List.of(
                    "--pvc-resizer.watcher.kubeconfig=" + cluster.watcherKubeconfig(),
                    "--pvc-resizer.watcher.leader-election.lease-namespace=" + LocalCluster.WATCHER_NAMESPACE,
                    "--pvc-resizer.watcher.leader-election.identity=watcher-0",
                    "--pvc-resizer.watcher.drivers=file.pvc-resizer.io," + RBD_DRIVER + ",cephfs.csi.ceph.com," + DRIVER));
            List<String> resize = new ArrayList<>(common);
            resize.addAll(List.of(
                    "--spring.main.sources=" + InstantBackendConfiguration.class.getName(),
                    "--pvc-resizer.resize.drivers[" + DRIVER + "]=" + InstantVolumeExpander.BACKEND,
                    "--pvc-resizer.resize.drivers[file.pvc-resizer.io]=local-file",
                    "--pvc-resizer.resize.local-file.image-dir=" + cluster.imageDir()));
            if (ceph != null) {
                resize.addAll(List.of(
                        "--pvc-resizer.resize.drivers[" + RBD_DRIVER + "]=rbd",
                        "--pvc-resizer.resize.ceph.clusters." + ceph.clusterId() + ".conf=" + ceph.conf(),
                        "--pvc-resizer.resize.ceph.clusters." + ceph.clusterId() + ".keyring=" + ceph.keyring()));
            }
            services.jvms.add(ServiceProcess.launch("watcher-service", withFakes(ServiceProcess.jarOf(root, "watcher-service"), fakes, jvmFlags), logs, watcher));
            services.jvms.add(ServiceProcess.launch("resize-service", withFakes(ServiceProcess.jarOf(root, "resize-service"), fakes, jvmFlags), logs, resize));
            for (String node : nodes) {
                List<String> fs = new ArrayList<>(common);
                fs.addAll(List.of(
                        "--spring.main.sources=" + OnlineNodeGrowthConfiguration.class.getName(),
                        "--" + OnlineNodeGrowthConfiguration.DRIVER_PROPERTY + "=" + DRIVER,
                        "--pvc-resizer.fs.node-name=" + node,
                        "--pvc-resizer.fs.kubelet-root=" + cluster.kubeletRoot(),
                        "--pvc-resizer.fs.local-file.image-dir=" + cluster.imageDir()));
                services.jvms.add(ServiceProcess.launch("fs-service-" + node, withFakes(ServiceProcess.jarOf(root, "fs-service"), fakes, fsJvmFlags), logs, fs));
            }
            for (ServiceProcess jvm : services.jvms) {
                jvm.awaitLive(Duration.ofMinutes(3));
            }
            return services;
        } catch (Exception | Error e) {
            services.close();
            throw e;
        }
    }

    /** The service JVMs: watcher, resize-service, then the fs-services in node order. */
    public List<ServiceProcess> jvms() {
        return List.copyOf(jvms);
    }

    @Override
    public void close() {
        List<ServiceProcess> started = new ArrayList<>(jvms);
        Collections.reverse(started);
        started.forEach(ServiceProcess::close);
    }

    /**
     * How to start a service jar with the benchmark's fakes on its class path: Spring Boot's {@code PropertiesLauncher}
     * with {@code loader.path}; the fakes become beans through {@code --spring.main.sources}.
     */
    private static List<String> withFakes(Path jar, Path fakes, List<String> jvmFlags) {
        List<String> launch = new ArrayList<>(jvmFlags);
        launch.add("-Dloader.path=" + fakes);
        launch.addAll(List.of("-cp", jar.toString(), "org.springframework.boot.loader.launch.PropertiesLauncher"));
        return launch;
    }
}
