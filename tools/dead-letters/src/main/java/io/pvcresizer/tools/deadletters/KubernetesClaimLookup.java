package io.pvcresizer.tools.deadletters;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * {@link ClaimLookup} on the Kubernetes API: a {@code get} of the claim with the kubeconfig given, else the usual
 * places ({@code $KUBECONFIG}, {@code ~/.kube/config}, the pod's service account).
 */
final class KubernetesClaimLookup implements ClaimLookup {

    private final KubernetesClient client;

    private KubernetesClaimLookup(KubernetesClient client) {
        this.client = client;
    }

    /**
     * A lookup with {@code kubeconfig} (or the usual places when null), answering within {@code timeout}.
     *
     * @throws UsageException when the kubeconfig cannot be read
     */
    static KubernetesClaimLookup connect(String kubeconfig, Duration timeout) {
        Config config;
        if (kubeconfig == null) {
            config = Config.autoConfigure(null);
        } else {
            try {
                Path path = Path.of(kubeconfig);
                config = Config.fromKubeconfig(null, Files.readString(path), path.toString());
            } catch (IOException | InvalidPathException | KubernetesClientException e) {
                throw new UsageException("--kubeconfig " + kubeconfig + ": cannot be read (" + e.getMessage() + ")");
            }
        }
        int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        config.setConnectionTimeout(millis);
        config.setRequestTimeout(millis);
        config.setRequestRetryBackoffLimit(0);
        return new KubernetesClaimLookup(new KubernetesClientBuilder().withConfig(config).build());
    }

    @Override
    public Optional<ClaimNow> find(String namespace, String name) {
        PersistentVolumeClaim claim;
        try {
            claim = client.persistentVolumeClaims().inNamespace(namespace).withName(name).get();
        } catch (KubernetesClientException e) {
            throw new ClaimLookupException("could not read claim " + namespace + "/" + name + " from the Kubernetes API"
                    + " at " + source() + ": " + (e.getCode() > 0 ? "HTTP " + e.getCode() + " " : "") + e.getMessage(), e);
        }
        if (claim == null) {
            return Optional.empty();
        }
        Quantity requested = claim.getSpec() == null || claim.getSpec().getResources() == null
                || claim.getSpec().getResources().getRequests() == null ? null
                : claim.getSpec().getResources().getRequests().get("storage");
        return Optional.of(new ClaimNow(claim.getMetadata().getUid(),
                claim.getSpec() == null ? null : claim.getSpec().getVolumeName(),
                requested == null ? null : text(requested)));
    }

    private static String text(Quantity quantity) {
        return (quantity.getAmount() == null ? "" : quantity.getAmount())
                + (quantity.getFormat() == null ? "" : quantity.getFormat());
    }

    @Override
    public String source() {
        return client.getMasterUrl().toString();
    }

    @Override
    public void close() {
        client.close();
    }
}
