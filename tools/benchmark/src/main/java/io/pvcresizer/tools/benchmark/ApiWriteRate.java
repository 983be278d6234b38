package io.pvcresizer.tools.benchmark;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures the API server's raw PVC status-write rate with the client the services use (fabric8's, on the same API
 * server): each thread owns some claims and writes their status back to back, one PUT of {@code /status} per write
 * with the resourceVersion of its own previous write, so there is no read and no conflict.
 */
public final class ApiWriteRate {

    /** The namespace of the measurement's claims, apart from the pipeline's. */
    public static final String NAMESPACE = "bench-ceiling";

    private static final int CLAIMS_PER_THREAD = 16;
    private static final Duration WARM_UP = Duration.ofSeconds(1);

    private ApiWriteRate() {
    }

    /** Status writes per second by {@code threads} writers over {@code duration}, after a warm-up. */
    public static double measure(KubernetesClient client, int threads, Duration duration) throws Exception {
        if (client.namespaces().withName(NAMESPACE).get() == null) {
            client.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata()
                    .withName(NAMESPACE).endMetadata().build()).create();
        }
        List<List<PersistentVolumeClaim>> owned = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            List<PersistentVolumeClaim> claims = new ArrayList<>();
            for (int i = 0; i < CLAIMS_PER_THREAD; i++) {
                claims.add(create(client, "ceiling-" + threads + "-" + t + "-" + i));
            }
            owned.add(claims);
        }
        AtomicLong writes = new AtomicLong();
        long start = System.nanoTime();
        long measureFrom = start + WARM_UP.toNanos();
        long end = measureFrom + duration.toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (List<PersistentVolumeClaim> claims : owned) {
                running.add(pool.submit(() -> {
                    long n = 0;
                    while (true) {
                        int i = (int) (n++ % claims.size());
                        claims.set(i, writeStatus(client, claims.get(i), n));
                        long now = System.nanoTime();
                        if (now >= end) {
                            return null;
                        }
                        if (now >= measureFrom) {
                            writes.incrementAndGet();
                        }
                    }
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        for (List<PersistentVolumeClaim> claims : owned) {
            for (PersistentVolumeClaim pvc : claims) {
                client.persistentVolumeClaims().inNamespace(NAMESPACE).withName(pvc.getMetadata().getName()).delete();
            }
        }
        return writes.get() / (duration.toNanos() / 1e9);
    }

    private static PersistentVolumeClaim create(KubernetesClient client, String name) {
        PersistentVolumeClaim pvc = client.persistentVolumeClaims().inNamespace(NAMESPACE).resource(new PersistentVolumeClaimBuilder()
                .withNewMetadata().withName(name).withNamespace(NAMESPACE).endMetadata()
                .withNewSpec().withAccessModes("ReadWriteOnce").withStorageClassName("none")
                .withNewResources().withRequests(Map.of("storage", new Quantity("1Gi"))).endResources().endSpec()
                .build()).create();
        return pvc;
    }

    /**
     * One status write of the kind the watcher does: the allocated size and a condition change. A conflict (the
     * controller manager wrote the claim meanwhile) costs a read, as it does the watcher.
     */
    private static PersistentVolumeClaim writeStatus(KubernetesClient client, PersistentVolumeClaim pvc, long n) {
        PersistentVolumeClaim next = new PersistentVolumeClaimBuilder(pvc).editStatus()
                .withAllocatedResources(Map.of("storage", new Quantity((1 + n % 2) + "Gi")))
                .withAllocatedResourceStatuses(Map.of("storage", n % 2 == 0 ? "ControllerResizeInProgress" : "NodeResizePending"))
                .endStatus().build();
        try {
            return client.persistentVolumeClaims().inNamespace(NAMESPACE).resource(next).updateStatus();
        } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
            return client.persistentVolumeClaims().inNamespace(NAMESPACE).withName(pvc.getMetadata().getName()).get();
        }
    }
}
