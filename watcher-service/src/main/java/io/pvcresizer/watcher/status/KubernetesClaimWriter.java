package io.pvcresizer.watcher.status;

import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.pvcresizer.common.kubernetes.KubernetesApiFailures;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * {@link ClaimWriter} on the fabric8 client: read (or take the claim just read), change, write with its
 * resourceVersion, and on HTTP 409 (someone wrote in between) read again and retry; any other API error is thrown
 * classified by {@link KubernetesApiFailures}, so that a refusal (403, 422, ...) is not retried like a 5xx.
 */
public class KubernetesClaimWriter implements ClaimWriter {

    private static final int MAX_CONFLICT_RETRIES = 5;

    private final KubernetesClient client;

    public KubernetesClaimWriter(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public Optional<PersistentVolumeClaim> readClaim(String namespace, String name) {
        return Optional.ofNullable(getClaim(namespace, name));
    }

    @Override
    public Optional<PersistentVolume> readVolume(String name) {
        return Optional.ofNullable(getVolume(name));
    }

    @Override
    public Optional<PersistentVolumeClaim> updateClaimStatus(String namespace, String name, String uid,
                                                             UnaryOperator<PersistentVolumeClaimStatus> change) {
        return update(namespace, name, uid, null, change);
    }

    @Override
    public Optional<PersistentVolumeClaim> updateClaimStatus(PersistentVolumeClaim justRead,
                                                             UnaryOperator<PersistentVolumeClaimStatus> change) {
        return update(justRead.getMetadata().getNamespace(), justRead.getMetadata().getName(),
                justRead.getMetadata().getUid(), justRead, change);
    }

    /** Read (unless {@code justRead} is given for the first attempt), change, write; on 409 read again and retry. */
    private Optional<PersistentVolumeClaim> update(String namespace, String name, String uid, PersistentVolumeClaim justRead,
                                                   UnaryOperator<PersistentVolumeClaimStatus> change) {
        for (int attempt = 1; ; attempt++) {
            PersistentVolumeClaim current = attempt == 1 && justRead != null ? justRead : getClaim(namespace, name);
            if (current == null || (uid != null && !uid.equals(current.getMetadata().getUid()))) {
                return Optional.empty();
            }
            PersistentVolumeClaimStatus next = change.apply(current.getStatus());
            if (Objects.equals(next, current.getStatus())) {
                return Optional.of(current);
            }
            PersistentVolumeClaim updated = new PersistentVolumeClaimBuilder(current).withStatus(next).build();
            try {
                return Optional.of(client.persistentVolumeClaims().inNamespace(namespace).resource(updated).updateStatus());
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || attempt >= MAX_CONFLICT_RETRIES) {
                    throw KubernetesApiFailures.classify("update status of claim " + namespace + "/" + name, e);
                }
            }
        }
    }

    @Override
    public void updateVolume(String name, UnaryOperator<PersistentVolume> change) {
        for (int attempt = 1; ; attempt++) {
            PersistentVolume current = getVolume(name);
            if (current == null) {
                return;
            }
            PersistentVolume next = change.apply(new PersistentVolumeBuilder(current).build());
            if (Objects.equals(next, current)) {
                return;
            }
            try {
                client.persistentVolumes().resource(next).update();
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409 || attempt >= MAX_CONFLICT_RETRIES) {
                    throw KubernetesApiFailures.classify("update of volume " + name, e);
                }
            }
        }
    }

    private PersistentVolumeClaim getClaim(String namespace, String name) {
        try {
            return client.persistentVolumeClaims().inNamespace(namespace).withName(name).get();
        } catch (KubernetesClientException e) {
            throw KubernetesApiFailures.classify("read of claim " + namespace + "/" + name, e);
        }
    }

    private PersistentVolume getVolume(String name) {
        try {
            return client.persistentVolumes().withName(name).get();
        } catch (KubernetesClientException e) {
            throw KubernetesApiFailures.classify("read of volume " + name, e);
        }
    }
}
