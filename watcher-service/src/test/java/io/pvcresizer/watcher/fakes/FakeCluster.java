package io.pvcresizer.watcher.fakes;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.pvcresizer.watcher.informer.ClusterView;
import io.pvcresizer.watcher.status.ClaimWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/**
 * The watcher's two views of the cluster in memory, for unit tests: the informer cache ({@link ClusterView}) and the
 * API server it reads and writes ({@link ClaimWriter}), one store of claims, volumes, classes and pods for both (as if
 * the cache never lagged). Every object handed out is a copy, so what a test asserts is what was written; each write
 * is counted.
 */
public final class FakeCluster implements ClusterView, ClaimWriter {

    private final Map<String, PersistentVolumeClaim> claims = new LinkedHashMap<>();
    private final Map<String, PersistentVolume> volumes = new LinkedHashMap<>();
    private final Map<String, StorageClass> classes = new LinkedHashMap<>();
    private final List<Pod> pods = new CopyOnWriteArrayList<>();
    private final List<String> writes = new CopyOnWriteArrayList<>();

    /** Stores (or replaces) the objects. */
    public synchronized FakeCluster with(Object... objects) {
        for (Object object : objects) {
            if (object instanceof PersistentVolumeClaim pvc) {
                claims.put(key(pvc), copy(pvc));
            } else if (object instanceof PersistentVolume pv) {
                volumes.put(pv.getMetadata().getName(), copy(pv));
            } else if (object instanceof StorageClass storageClass) {
                classes.put(storageClass.getMetadata().getName(), storageClass);
            } else if (object instanceof Pod pod) {
                pods.add(pod);
            } else {
                throw new IllegalArgumentException("not a claim, volume, class or pod: " + object);
            }
        }
        return this;
    }

    /** The writes made, in order: {@code claim-status ns/name} or {@code volume name}. */
    public List<String> writes() {
        return List.copyOf(writes);
    }

    @Override
    public synchronized PersistentVolumeClaim claim(String namespace, String name) {
        PersistentVolumeClaim pvc = claims.get(namespace + "/" + name);
        return pvc == null ? null : copy(pvc);
    }

    @Override
    public synchronized PersistentVolume volume(String name) {
        PersistentVolume pv = volumes.get(name);
        return pv == null ? null : copy(pv);
    }

    @Override
    public synchronized StorageClass storageClass(String name) {
        return classes.get(name);
    }

    @Override
    public List<Pod> podsUsing(String namespace, String claimName) {
        return pods.stream().filter(pod -> namespace.equals(pod.getMetadata().getNamespace()))
                .filter(pod -> pod.getSpec().getVolumes().stream().anyMatch(v -> v.getPersistentVolumeClaim() != null
                        && claimName.equals(v.getPersistentVolumeClaim().getClaimName())))
                .toList();
    }

    @Override
    public synchronized List<String> claimKeys() {
        return new ArrayList<>(claims.keySet());
    }

    @Override
    public Optional<PersistentVolumeClaim> readClaim(String namespace, String name) {
        return Optional.ofNullable(claim(namespace, name));
    }

    @Override
    public Optional<PersistentVolume> readVolume(String name) {
        return Optional.ofNullable(volume(name));
    }

    @Override
    public synchronized Optional<PersistentVolumeClaim> updateClaimStatus(String namespace, String name, String uid,
            UnaryOperator<PersistentVolumeClaimStatus> change) {
        PersistentVolumeClaim stored = claims.get(namespace + "/" + name);
        if (stored == null || (uid != null && !uid.equals(stored.getMetadata().getUid()))) {
            return Optional.empty();
        }
        PersistentVolumeClaim updated = copy(stored);
        PersistentVolumeClaimStatus before = copy(stored).getStatus();
        PersistentVolumeClaimStatus after = change.apply(updated.getStatus());
        if (!java.util.Objects.equals(before, after)) {
            updated.setStatus(after);
            claims.put(namespace + "/" + name, updated);
            writes.add("claim-status " + namespace + "/" + name);
        }
        return Optional.of(copy(claims.get(namespace + "/" + name)));
    }

    @Override
    public synchronized void updateVolume(String name, UnaryOperator<PersistentVolume> change) {
        PersistentVolume stored = volumes.get(name);
        if (stored == null) {
            return;
        }
        PersistentVolume after = change.apply(copy(stored));
        if (!stored.equals(after)) {
            volumes.put(name, copy(after));
            writes.add("volume " + name);
        }
    }

    private static String key(PersistentVolumeClaim pvc) {
        return pvc.getMetadata().getNamespace() + "/" + pvc.getMetadata().getName();
    }

    private static PersistentVolumeClaim copy(PersistentVolumeClaim pvc) {
        return new PersistentVolumeClaimBuilder(pvc).build();
    }

    private static PersistentVolume copy(PersistentVolume pv) {
        return new PersistentVolumeBuilder(pv).build();
    }
}
