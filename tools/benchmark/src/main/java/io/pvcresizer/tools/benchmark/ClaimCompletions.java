package io.pvcresizer.tools.benchmark;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.pvcresizer.common.quantity.StorageQuantities;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Watches the claims of a namespace and notes the moment each expected claim's {@code status.capacity} reaches its
 * new size: the end of a resize as a user sees it.
 */
public final class ClaimCompletions implements AutoCloseable {

    private final Map<String, Long> expected = new ConcurrentHashMap<>();
    private final Map<String, Instant> completed = new ConcurrentHashMap<>();
    private final Watch watch;

    public ClaimCompletions(KubernetesClient client, String namespace) {
        watch = client.persistentVolumeClaims().inNamespace(namespace).watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, PersistentVolumeClaim pvc) {
                Instant now = Instant.now();
                String name = pvc.getMetadata().getName();
                Long target = expected.get(name);
                if (target == null || pvc.getStatus() == null || pvc.getStatus().getCapacity() == null) {
                    return;
                }
                Quantity capacity = pvc.getStatus().getCapacity().get("storage");
                if (capacity != null && StorageQuantities.toBytes(capacity) >= target) {
                    completed.putIfAbsent(name, now);
                }
            }

            @Override
            public void onClose(WatcherException cause) {
                // closed by close(); an unexpected close shows as resizes that do not complete
            }
        });
    }

    /** Expects {@code claim} to reach {@code size}; call it before raising the request. */
    public void expect(String claim, String size) {
        completed.remove(claim);
        expected.put(claim, StorageQuantities.toBytes(new Quantity(size)));
    }

    /** When the claim was seen at its new capacity, or null. */
    public Instant completedAt(String claim) {
        return completed.get(claim);
    }

    /** Waits until all {@code claims} completed or {@code patience} passed; returns how many completed. */
    public int await(Collection<String> claims, Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            int done = (int) claims.stream().filter(completed::containsKey).count();
            if (done == claims.size() || System.nanoTime() > deadline) {
                return done;
            }
            Thread.sleep(20);
        }
    }

    /**
     * Waits until all {@code claims} completed, or until none has completed for {@code stall} (the pipeline is stuck,
     * not merely busy); returns how many completed.
     */
    public int awaitProgress(Collection<String> claims, Duration stall) throws InterruptedException {
        int last = -1;
        long lastChange = System.nanoTime();
        while (true) {
            int done = (int) claims.stream().filter(completed::containsKey).count();
            if (done == claims.size()) {
                return done;
            }
            if (done != last) {
                last = done;
                lastChange = System.nanoTime();
            } else if (System.nanoTime() - lastChange > stall.toNanos()) {
                return done;
            }
            Thread.sleep(50);
        }
    }

    @Override
    public void close() {
        watch.close();
    }
}
