package io.pvcresizer.demo;

import io.pvcresizer.common.drivers.BuiltInDrivers;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.pvcresizer.common.testing.LoopVolume;
import io.pvcresizer.testkit.ClusterObjects;
import io.pvcresizer.testkit.LocalCluster;
import io.pvcresizer.testkit.ServiceProcess;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The local demo: a real Kubernetes control plane, a Kafka broker in this process, the three services as separate
 * processes, and a real loop-backed xfs volume mounted for a pod, grown from 320Mi to 640Mi while every event on the
 * topics and every PVC status change is printed, then shown by the real {@code kubectl}. With the argument {@code rbd}
 * the volume is an RBD image of a throwaway Ceph cluster (rbd-fuse, a loop device, xfs); with {@code --keep} it stays
 * up until Ctrl-C for a user's own {@code kubectl}. Everything is removed at the end, or on Ctrl-C. Where the control
 * plane cannot be built (no Go), it says so and runs on the fallback API server of {@link LocalCluster}.
 */
public final class LocalDemo {

    private static final long MI = 1024L * 1024;

    private final PrintStream out;
    private final Deque<AutoCloseable> cleanup = new ArrayDeque<>();
    private final AtomicBoolean cleaned = new AtomicBoolean();

    private LocalDemo(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out));
    }

    /** Runs the demo, printing to {@code out}; returns the process exit code. */
    public static int run(String[] args, PrintStream out) {
        LocalDemo demo = new LocalDemo(out);
        Thread hook = new Thread(demo::cleanUp, "demo-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            List<String> options = List.of(args);
            return demo.run(options.contains("rbd"), options.contains("--keep"));
        } catch (Exception e) {
            out.println("[demo] failed: " + e);
            return 1;
        } finally {
            demo.cleanUp();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway
            }
        }
    }

    private <T extends AutoCloseable> T owned(T resource) {
        cleanup.push(resource);
        return resource;
    }

    private void cleanUp() {
        if (cleaned.compareAndSet(false, true)) {
            while (!cleanup.isEmpty()) {
                try {
                    cleanup.pop().close();
                } catch (Exception e) {
                    out.println("[demo] cleanup: " + e.getMessage());
                }
            }
            say("everything the demo created was removed");
        }
    }

    private int run(boolean rbd, boolean keep) throws Exception {
        if (!LoopVolume.supported()) {
            out.println("""
                    The local demo grows a real filesystem on a loop device, which needs root (losetup, mkfs.xfs, mount).
                    Run it as root, e.g. `sudo scripts/demo.sh`. Nothing was changed on this machine.""");
            return 2;
        }
        if (rbd && !DemoCeph.installed()) {
            out.println("The rbd demo needs the Ceph packages (ceph-mon ceph-osd ceph-mgr ceph-mds ceph-common rbd-fuse).");
            return 2;
        }
        Path work = Files.createTempDirectory("pvc-resizer-demo");
        DemoCeph ceph = null;
        if (rbd) {
            say("starting a throwaway single-node Ceph cluster (about 15 s)…");
            ceph = owned(DemoCeph.start(work.resolve("ceph")));
        }
        String bootstrap = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
        say("starting a Kafka broker (" + (bootstrap == null ? "in-process KRaft" : bootstrap)
                + ") and connecting to the Kubernetes control plane…");
        LocalCluster cluster = owned(LocalCluster.startOrFallBack(bootstrap, work.resolve("images"), work.resolve("kubelet"))
                .asSeparateProcesses(work.resolve("logs")));
        if (cluster.realControlPlane()) {
            say("Kubernetes " + cluster.kube().serverVersion() + " (etcd, kube-apiserver, kube-controller-manager) is up;"
                    + " the watcher signs in as its own service account pvc-resizer/watcher-service. To look yourself:");
            say("  export KUBECONFIG=" + cluster.kube().adminKubeconfig() + " PATH=" + cluster.kube().binDir() + ":$PATH");
            say("  kubectl get pvc -w        kubectl describe pvc demo-data");
        } else {
            say("Go is not installed, so the real Kubernetes control plane cannot be built here: this run uses an"
                    + " in-memory stand-in API server instead (no kubectl, no admission, no RBAC). Install Go "
                    + "(see README) for the real one.");
        }
        if (ceph != null) {
            cluster.withCephCluster("demo", ceph.conf(), ceph.keyring());
        }
        say("starting watcher-service, resize-service and fs-service (node-a) as separate processes…");
        cluster.withServices("node-a");
        for (ServiceProcess process : cluster.processes()) {
            say(String.format("  %-18s pid %-7d log %s", process.name(), process.pid(), process.log()));
        }
        owned(new StagePrinter(cluster.bootstrapServers(), out));

        ClusterObjects objects = new ClusterObjects(cluster.client());
        objects.createStorageClass();
        if (rbd) {
            ceph.rbd("create", "rbd/demo-image", "--size", "320M");
            objects.createBoundClaim("demo-data", "pv-demo", BuiltInDrivers.RBD, "0001-demo-image",
                    Map.of("clusterID", "demo", "pool", "rbd", "imageName", "demo-image"), "320Mi", "xfs");
        } else {
            objects.createBoundClaim("demo-data", "pv-demo", "pv-demo.img", "320Mi", "xfs");
        }
        Pod pod = objects.createPod("demo-app", "demo-data", "node-a", "Running");
        LoopVolume volume = owned(rbd
                ? LoopVolume.attach(ceph.rbdFuse(work.resolve("rbd-fuse"), "demo-image"), "xfs")
                : LoopVolume.create(cluster.imageDir(), "pv-demo.img", 320 * MI, "xfs"));
        volume.mountAt(LoopVolume.podMountPath(cluster.kubeletRoot(), pod.getMetadata().getUid(), "pv-demo"));
        Files.writeString(volume.mountPoint().resolve("hello.txt"), "data written before the resize", StandardCharsets.UTF_8);
        say("PVC default/demo-data is Bound to pv-demo (320Mi, xfs on " + volume.device() + (rbd ? ", an RBD image" : "")
                + "), used by pod demo-app on node-a");
        say("df before: " + volume.dfSizeBytes() / MI + " MiB");
        if (cluster.realControlPlane()) {
            String patch = "{\"spec\":{\"resources\":{\"requests\":{\"storage\":\"640Mi\"}}}}";
            say("raising the request 320Mi -> 640Mi as a user would:");
            out.println("$ kubectl patch pvc demo-data -p '" + patch + "'");
            out.print(cluster.kube().kubectl("patch", "pvc", "demo-data", "-n", ClusterObjects.NAMESPACE, "-p", patch));
        } else {
            say("raising the request 320Mi -> 640Mi (spec.resources.requests.storage) through the API");
            objects.request("demo-data", "640Mi");
        }
        DemoClaimView view = new DemoClaimView(objects, "demo-data", out);
        view.awaitCapacity(new Quantity("640Mi"), Duration.ofMinutes(2));
        say("df after:  " + volume.dfSizeBytes() / MI + " MiB; hello.txt still says \""
                + Files.readString(volume.mountPoint().resolve("hello.txt"), StandardCharsets.UTF_8) + "\"");
        if (rbd) {
            say("rbd info rbd/demo-image: " + ceph.rbd("info", "rbd/demo-image").lines()
                    .filter(l -> l.contains("size")).findFirst().orElse("").strip());
        }
        if (cluster.realControlPlane()) {
            view.printWithKubectl(cluster.kube());
        } else {
            view.print();
        }
        if (keep) {
            say("--keep: everything stays up until Ctrl-C; in another terminal:");
            if (cluster.realControlPlane()) {
                say("  export KUBECONFIG=" + cluster.kube().adminKubeconfig() + " PATH=" + cluster.kube().binDir() + ":$PATH");
                say("  kubectl describe pvc demo-data; kubectl edit pvc demo-data   (raise it again: it grows again)");
            }
            new java.util.concurrent.CountDownLatch(1).await();
        }
        return 0;
    }

    private void say(String line) {
        out.println("[demo] " + line);
    }
}
