package io.pvcresizer.tools.benchmark;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.pvcresizer.testkit.ClusterObjects;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Creates the benchmark's volumes as the provisioner and kubelet would (a PV of the benchmark driver, a PVC bound to
 * it, and a running pod using it on one of the nodes), several at a time, and raises their requests as a user does.
 */
public final class BenchVolumes {

    private static final int CREATORS = 4;

    private final KubernetesClient client;
    private final ClusterObjects objects;
    private final List<String> nodes;

    public BenchVolumes(KubernetesClient client, List<String> nodes) {
        this.client = client;
        this.objects = new ClusterObjects(client);
        this.nodes = List.copyOf(nodes);
    }

    /** The storage class every benchmark claim uses ({@code allowVolumeExpansion: true}). */
    public void createStorageClass() {
        objects.createStorageClass();
    }

    /**
     * Creates {@code count} claims {@code <prefix>-<i>} of {@code size} of {@code driver}, with a running pod each on
     * the nodes in turn when {@code withPods}; returns their names.
     */
    public List<String> create(String prefix, int count, String size, String driver, boolean withPods) throws Exception {
        List<String> names = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(CREATORS);
        try {
            List<Future<?>> pending = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String name = String.format("%s-%05d", prefix, i);
                String node = nodes.get(i % nodes.size());
                names.add(name);
                pending.add(pool.submit(() -> {
                    objects.createBoundClaim(name, "pv-" + name, driver, name, Map.of(), size, "xfs");
                    if (withPods) {
                        objects.createPod("pod-" + name, name, node, "Running");
                    }
                    return null;
                }));
            }
            for (Future<?> f : pending) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return names;
    }

    /**
     * Creates {@code count} claims {@code <prefix>-<i>} of {@code size} of {@code driver} without pods, for the
     * watcher's cache: each PV and its pre-bound PVC created from {@code 2 × CREATORS} threads, the binding left to
     * kube-controller-manager's binder without waiting for it.
     */
    public void createIdle(String prefix, int count, String size, String driver) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2 * CREATORS);
        try {
            List<Future<?>> pending = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String name = String.format("%s-%05d", prefix, i);
                pending.add(pool.submit(() -> {
                    objects.createUnboundPair(name, "pv-" + name, driver, name, Map.of(), size, "xfs");
                    return null;
                }));
            }
            for (Future<?> f : pending) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** A running pod using {@code claim} on {@code node}. */
    public Pod createPod(String claim, String node) {
        return objects.createPod("pod-" + claim, claim, node, "Running");
    }

    /** Raises the claim's request to {@code size} with one merge patch, as {@code kubectl patch} does; returns when it was sent. */
    public Instant request(String claim, String size) {
        Instant sent = Instant.now();
        client.persistentVolumeClaims().inNamespace(ClusterObjects.NAMESPACE).withName(claim)
                .patch(PatchContext.of(PatchType.JSON_MERGE),
                        "{\"spec\":{\"resources\":{\"requests\":{\"storage\":\"" + size + "\"}}}}");
        return sent;
    }

    /** How many claims the API server holds in all namespaces. */
    public int claimCount() {
        return client.persistentVolumeClaims().inAnyNamespace().list().getItems().size();
    }

    public ClusterObjects objects() {
        return objects;
    }
}
