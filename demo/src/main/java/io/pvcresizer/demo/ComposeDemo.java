package io.pvcresizer.demo;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pvcresizer.common.testing.KubeMiniCluster;
import io.pvcresizer.common.testing.LoopVolume;
import io.pvcresizer.testkit.ClusterObjects;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The demo scenario against a running installation (the containers of docker-compose.yml): a real loop-backed xfs
 * volume in the shared demo directory, mounted for a pod of node-a, its claim raised from 320Mi to 640Mi through the
 * installation's API server, every Kafka event and status change printed, the growth checked with {@code df}, and
 * everything it created removed. Needs root (losetup, mkfs.xfs, mount).
 *
 * <p>Settings (environment): {@code KUBECONFIG} (the kubeconfig of a user who may create the demo's objects; default
 * the test control plane's administrator),
 * {@code KAFKA_BOOTSTRAP_SERVERS} (127.0.0.1:9092), {@code PVC_RESIZER_DEMO_DIR} (/var/lib/pvc-resizer-demo: its
 * {@code images/} and {@code kubelet/} are the ones the containers were given), {@code PVC_RESIZER_IMAGE_UID}
 * (10001, the user resize-service runs as, who must be able to lengthen the image).
 */
public final class ComposeDemo {

    private static final long MI = 1024L * 1024;
    private static final String CLAIM = "compose-data";
    private static final String PV = "pv-compose";

    private ComposeDemo() {
    }

    public static void main(String[] args) throws Exception {
        Path kubeconfig = Path.of(env("KUBECONFIG", KubeMiniCluster.DEFAULT_DIR + "/admin.kubeconfig"));
        String kafka = env("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092");
        Path dir = Path.of(env("PVC_RESIZER_DEMO_DIR", "/var/lib/pvc-resizer-demo"));
        int uid = Integer.parseInt(env("PVC_RESIZER_IMAGE_UID", "10001"));
        if (!LoopVolume.supported()) {
            System.out.println("[demo] needs root (losetup, mkfs.xfs, mount)");
            System.exit(2);
        }
        int exit = 1;
        try (KubernetesClient client = KubeMiniCluster.clientOf(kubeconfig);
             StagePrinter ignored = new StagePrinter(kafka, System.out)) {
            ClusterObjects objects = new ClusterObjects(client);
            try {
                exit = run(objects, dir, uid);
            } finally {
                client.pods().inNamespace(ClusterObjects.NAMESPACE).withName("compose-app").delete();
                client.persistentVolumeClaims().inNamespace(ClusterObjects.NAMESPACE).withName(CLAIM).delete();
                client.persistentVolumes().withName(PV).delete();
                client.storage().v1().storageClasses().withName(ClusterObjects.CLASS).delete();
            }
        } catch (RuntimeException e) {
            System.out.println("[demo] failed: " + e);
        }
        System.exit(exit);
    }

    private static int run(ClusterObjects objects, Path dir, int uid) throws Exception {
        objects.createStorageClass();
        objects.createBoundClaim(CLAIM, PV, PV + ".img", "320Mi", "xfs");
        Pod pod = objects.createPod("compose-app", CLAIM, "node-a", "Running");
        try (LoopVolume volume = LoopVolume.create(dir.resolve("images"), PV + ".img", 320 * MI, "xfs")) {
            Files.setAttribute(dir.resolve("images").resolve(PV + ".img"), "unix:uid", uid);
            volume.mountAt(LoopVolume.podMountPath(dir.resolve("kubelet"), pod.getMetadata().getUid(), PV));
            Files.writeString(volume.mountPoint().resolve("hello.txt"), "data written before the resize", StandardCharsets.UTF_8);
            say("PVC default/" + CLAIM + " is Bound to " + PV + " (320Mi, xfs on " + volume.device() + "), used by pod compose-app on node-a");
            say("df before: " + volume.dfSizeBytes() / MI + " MiB");
            say("kubectl edit pvc " + CLAIM + ": spec.resources.requests.storage 320Mi -> 640Mi");
            objects.request(CLAIM, "640Mi");
            DemoClaimView view = new DemoClaimView(objects, CLAIM, System.out);
            view.awaitCapacity(new Quantity("640Mi"), Duration.ofMinutes(2));
            long df = volume.dfSizeBytes();
            say("df after:  " + df / MI + " MiB; hello.txt still says \""
                    + Files.readString(volume.mountPoint().resolve("hello.txt"), StandardCharsets.UTF_8) + "\"");
            view.print();
            return df > 500 * MI ? 0 : 1;
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    private static void say(String line) {
        System.out.println("[demo] " + line);
    }
}
