package io.pvcresizer.demo;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.pvcresizer.testkit.ClusterObjects;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** What a demo shows of its claim: each status change while it waits, then the claim as kubectl shows it. */
public final class DemoClaimView {

    private final ClusterObjects objects;
    private final String claim;
    private final PrintStream out;

    public DemoClaimView(ClusterObjects objects, String claim, PrintStream out) {
        this.objects = objects;
        this.claim = claim;
        this.out = out;
    }

    /** Prints every change of the claim's capacity, resize status and conditions until it shows {@code capacity}. */
    public void awaitCapacity(Quantity capacity, Duration patience) throws InterruptedException {
        Instant deadline = Instant.now().plus(patience);
        String last = null;
        while (Instant.now().isBefore(deadline)) {
            Quantity current = objects.capacity(claim);
            String line = "capacity=" + current + " resizeStatus=" + objects.resizeStatus(claim)
                    + " conditions=" + objects.conditionTypes(claim);
            if (!Objects.equals(line, last)) {
                out.println("[demo] PVC " + line);
                last = line;
            }
            if (capacity.equals(current) && objects.conditionTypes(claim).isEmpty()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the resize did not complete within " + patience.toSeconds() + " s");
    }

    /** What the real {@code kubectl get pvc} and {@code kubectl describe pvc} print of the claim. */
    public void printWithKubectl(io.pvcresizer.common.testing.KubeMiniCluster kube) {
        for (List<String> command : List.of(List.of("get", "pvc", claim), List.of("describe", "pvc", claim))) {
            out.println();
            out.println("$ kubectl " + String.join(" ", command));
            out.print(kube.kubectl(command.toArray(String[]::new)));
        }
        out.println();
    }

    /** The claim's status and events, read through the API (for the stand-in API server, which kubectl cannot use). */
    public void print() {
        PersistentVolumeClaim pvc = objects.claim(claim);
        out.println();
        out.println("the claim, read through the API:");
        out.printf("%-12s %-8s %-10s %-10s %-14s %s%n", "NAME", "STATUS", "VOLUME", "CAPACITY", "ACCESS MODES", "STORAGECLASS");
        out.printf("%-12s %-8s %-10s %-10s %-14s %s%n", pvc.getMetadata().getName(), pvc.getStatus().getPhase(),
                pvc.getSpec().getVolumeName(), pvc.getStatus().getCapacity().get("storage"), "RWO",
                pvc.getSpec().getStorageClassName());
        out.println();
        out.println("its status and events:");
        out.println("Capacity:            " + pvc.getStatus().getCapacity().get("storage"));
        out.println("Allocated Resources: " + pvc.getStatus().getAllocatedResources());
        out.println("Conditions:          " + (pvc.getStatus().getConditions() == null || pvc.getStatus().getConditions().isEmpty()
                ? "(none)" : objects.conditionTypes(claim)));
        out.println("Events:");
        out.printf("  %-8s %-28s %s%n", "Type", "Reason", "Message");
        for (Event event : objects.events("PersistentVolumeClaim", claim)) {
            out.printf("  %-8s %-28s %s%n", event.getType(), event.getReason(), event.getMessage());
        }
        out.println();
    }
}
