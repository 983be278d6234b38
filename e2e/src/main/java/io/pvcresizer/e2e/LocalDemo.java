package io.pvcresizer.e2e;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The local demo: a Kafka broker, an embedded API server and the three services in one process, and a real
 * loop-backed xfs volume mounted for a pod, grown from 320Mi to 640Mi while the PVC's status is printed step by step.
 * With the argument {@code rbd} the volume is an RBD image of a throwaway Ceph cluster (rbd-fuse, a loop device, xfs).
 */
public final class LocalDemo {

    private static final long MI = 1024L * 1024;

    private LocalDemo() {
    }

    public static void main(String[] args) throws Exception {
        if (!LoopVolume.supported()) {
            System.err.println("""
                    The local demo grows a real filesystem on a loop device, which needs root (losetup, mkfs.xfs, mount).
                    Run it as root, e.g. `sudo scripts/demo.sh`. Nothing was changed on this machine.""");
            System.exit(2);
        }
        System.setProperty("spring.main.banner-mode", "off");
        boolean rbd = args.length > 0 && "rbd".equals(args[0]);
        if (rbd && !DemoCeph.installed()) {
            System.err.println("The rbd demo needs the Ceph packages (ceph-mon ceph-osd ceph-mgr ceph-mds ceph-common rbd-fuse).");
            System.exit(2);
        }
        Path work = Files.createTempDirectory("pvc-resizer-demo");
        DemoCeph ceph = null;
        if (rbd) {
            say("starting a throwaway single-node Ceph cluster (about 15 s)…");
            ceph = DemoCeph.start(work.resolve("ceph"));
        }
        String bootstrap = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
        say("starting a Kafka broker (" + (bootstrap == null ? "in-process KRaft" : bootstrap)
                + "), an embedded Kubernetes API server and the three services…");
        LocalCluster started = LocalCluster.start(bootstrap, work.resolve("images"), work.resolve("kubelet"));
        if (ceph != null) {
            started.withCephCluster("demo", ceph.conf(), ceph.keyring());
        }
        try (DemoCeph cephCluster = ceph; LocalCluster cluster = started.withServices("node-a")) {
            ClusterObjects objects = new ClusterObjects(cluster.client());
            objects.createStorageClass();
            if (rbd) {
                cephCluster.rbd("create", "rbd/demo-image", "--size", "320M");
                objects.createBoundClaim("demo-data", "pv-demo", "rbd.csi.ceph.com", "0001-demo-image",
                        java.util.Map.of("clusterID", "demo", "pool", "rbd", "imageName", "demo-image"), "320Mi", "xfs");
            } else {
                objects.createBoundClaim("demo-data", "pv-demo", "pv-demo.img", "320Mi", "xfs");
            }
            Pod pod = objects.createPod("demo-app", "demo-data", "node-a", "Running");
            try (LoopVolume volume = rbd
                    ? LoopVolume.attach(cephCluster.rbdFuse(work.resolve("rbd-fuse"), "demo-image"), "xfs")
                    : LoopVolume.create(cluster.imageDir(), "pv-demo.img", 320 * MI, "xfs")) {
                volume.mountAt(LoopVolume.podMountPath(cluster.kubeletRoot(), pod.getMetadata().getUid(), "pv-demo"));
                Files.writeString(volume.mountPoint().resolve("hello.txt"), "data written before the resize", StandardCharsets.UTF_8);
                say("PVC default/demo-data is Bound to pv-demo (320Mi, xfs on " + volume.device() + "), used by pod demo-app on node-a");
                say("df before: " + volume.dfSizeBytes() / MI + " MiB");
                say("kubectl edit pvc demo-data: spec.resources.requests.storage 320Mi -> 640Mi");
                objects.request("demo-data", "640Mi");
                watch(objects, Duration.ofMinutes(2));
                say("df after:  " + volume.dfSizeBytes() / MI + " MiB; hello.txt still says \""
                        + Files.readString(volume.mountPoint().resolve("hello.txt"), StandardCharsets.UTF_8) + "\"");
                if (rbd) {
                    say("rbd info rbd/demo-image: " + cephCluster.rbd("info", "rbd/demo-image").lines()
                            .filter(l -> l.contains("size")).findFirst().orElse("").strip());
                }
                say("events on the PVC (kubectl describe pvc demo-data):");
                for (Event event : objects.events("PersistentVolumeClaim", "demo-data")) {
                    System.out.printf("    %-8s %-28s %s%n", event.getType(), event.getReason(), event.getMessage());
                }
            }
        }
        say("done; everything the demo created was removed");
        System.exit(0);
    }

    private static void watch(ClusterObjects objects, Duration patience) throws InterruptedException {
        Instant deadline = Instant.now().plus(patience);
        String last = null;
        while (Instant.now().isBefore(deadline)) {
            Quantity capacity = objects.capacity("demo-data");
            String line = "capacity=" + capacity + " resizeStatus=" + objects.resizeStatus("demo-data")
                    + " conditions=" + objects.conditionTypes("demo-data");
            if (!Objects.equals(line, last)) {
                say("  PVC " + line);
                last = line;
            }
            if (new Quantity("640Mi").equals(capacity) && objects.conditionTypes("demo-data").isEmpty()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the resize did not complete within " + patience.toSeconds() + " s");
    }

    private static void say(String line) {
        System.out.println("[demo] " + line);
    }
}
