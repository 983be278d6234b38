package io.pvcresizer.watcher.informer;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.pvcresizer.common.failure.Causes;
import io.pvcresizer.common.failure.Reason;
import io.pvcresizer.common.kubernetes.KubernetesApiFailures;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Informers on PVCs, PVs, StorageClasses and Pods: a {@link ClusterView} of their caches, and every change that can
 * matter to a claim reported as that claim's key to {@code onClaimChanged}.
 */
public class InformerClusterView implements ClusterView, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(InformerClusterView.class);
    private static final String CLAIM_INDEX = "claim";

    private final SharedIndexInformer<PersistentVolumeClaim> claims;
    private final SharedIndexInformer<PersistentVolume> volumes;
    private final SharedIndexInformer<StorageClass> classes;
    private final SharedIndexInformer<Pod> pods;
    private volatile Throwable lastFailure;

    public InformerClusterView(KubernetesClient client, Duration resync, Consumer<String> onClaimChanged) {
        long resyncMillis = resync.toMillis();
        claims = client.persistentVolumeClaims().inAnyNamespace().runnableInformer(resyncMillis);
        claims.addEventHandler(handler(pvc -> List.of(key(pvc.getMetadata().getNamespace(), pvc.getMetadata().getName())), onClaimChanged));
        volumes = client.persistentVolumes().runnableInformer(resyncMillis);
        volumes.addEventHandler(handler(pv -> pv.getSpec() == null || pv.getSpec().getClaimRef() == null ? List.of()
                : List.of(key(pv.getSpec().getClaimRef().getNamespace(), pv.getSpec().getClaimRef().getName())), onClaimChanged));
        classes = client.storage().v1().storageClasses().runnableInformer(resyncMillis);
        classes.addEventHandler(handler(sc -> claimKeysOfClass(sc.getMetadata().getName()), onClaimChanged));
        pods = client.pods().inAnyNamespace().runnableInformer(resyncMillis);
        pods.addIndexers(Map.of(CLAIM_INDEX, InformerClusterView::claimKeysOfPod));
        pods.addEventHandler(handler(InformerClusterView::claimKeysOfPod, onClaimChanged));
    }

    /**
     * Starts the informers and waits until their caches hold a first full list. While the API server cannot be
     * reached or refuses (down, restarting, overloaded; a 401 or 403, which a restarted API server answers until its
     * RBAC cache is filled, and which wrong credentials or a rule missing from {@code deploy/} answer for ever) each
     * informer keeps trying, so this waits; {@link #lastFailure()} tells why.
     */
    public void start() {
        for (SharedIndexInformer<?> informer : List.of(claims, volumes, classes, pods)) {
            informer.exceptionHandler(this::retryAfter).run();
        }
        lastFailure = null;
        log.info("informers synced: {} claims, {} volumes, {} storage classes, {} pods", claims.getStore().list().size(),
                volumes.getStore().list().size(), classes.getStore().list().size(), pods.getStore().list().size());
    }

    /** Why the informers last failed to list or watch, or null once they have synced since. */
    public Throwable lastFailure() {
        return lastFailure;
    }

    /** Records {@code failure} and tries again: a watcher that stops watching would never see an edit again. */
    private boolean retryAfter(boolean started, Throwable failure) {
        lastFailure = failure;
        KubernetesClientException refused = Causes.find(failure, KubernetesClientException.class);
        if (refused != null && KubernetesApiFailures.reasonOf(refused.getCode()) == Reason.KUBERNETES_API_FORBIDDEN) {
            log.error("the API server refuses the watcher's informer ({}): its credentials or the RBAC of deploy/ "
                    + "(or an API server just restarted); trying again: {}", refused.getCode(), refused.getMessage());
            return true;
        }
        log.warn("informer {}: {}; trying again", started ? "watch failed" : "cannot list yet", failure.toString());
        return true;
    }

    @Override
    public PersistentVolumeClaim claim(String namespace, String name) {
        return claims.getStore().getByKey(key(namespace, name));
    }

    @Override
    public PersistentVolume volume(String name) {
        return volumes.getStore().getByKey(name);
    }

    @Override
    public StorageClass storageClass(String name) {
        return classes.getStore().getByKey(name);
    }

    @Override
    public List<Pod> podsUsing(String namespace, String claimName) {
        return pods.getIndexer().byIndex(CLAIM_INDEX, key(namespace, claimName));
    }

    @Override
    public List<String> claimKeys() {
        return claims.getStore().listKeys();
    }

    /** How many PVCs the cache holds. */
    public int claimCount() {
        return claims.getStore().list().size();
    }

    @Override
    public void close() {
        for (SharedIndexInformer<?> informer : List.of(claims, volumes, classes, pods)) {
            informer.close();
        }
    }

    private List<String> claimKeysOfClass(String className) {
        return claims.getStore().list().stream()
                .filter(pvc -> pvc.getSpec() != null && className.equals(pvc.getSpec().getStorageClassName()))
                .map(pvc -> key(pvc.getMetadata().getNamespace(), pvc.getMetadata().getName()))
                .toList();
    }

    private static List<String> claimKeysOfPod(Pod pod) {
        if (pod.getSpec() == null || pod.getSpec().getVolumes() == null) {
            return List.of();
        }
        return pod.getSpec().getVolumes().stream()
                .map(Volume::getPersistentVolumeClaim)
                .filter(java.util.Objects::nonNull)
                .map(source -> key(pod.getMetadata().getNamespace(), source.getClaimName()))
                .toList();
    }

    static String key(String namespace, String name) {
        return namespace + "/" + name;
    }

    private static <T> ResourceEventHandler<T> handler(
            java.util.function.Function<T, List<String>> claimKeys, Consumer<String> onClaimChanged) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                claimKeys.apply(obj).forEach(onClaimChanged);
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                claimKeys.apply(newObj).forEach(onClaimChanged);
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                claimKeys.apply(obj).forEach(onClaimChanged);
            }
        };
    }
}
