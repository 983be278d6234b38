package io.pvcresizer.resize.csi;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.pvcresizer.common.events.SecretReference;
import io.pvcresizer.common.failure.Reason;
import io.pvcresizer.common.failure.ResizeException;
import io.pvcresizer.common.kubernetes.KubernetesApiFailures;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * {@link SecretReader} on the API server, with resize-service's own service account: one {@code get} on the named
 * Secret, which its Role allows only in the driver's namespace (see the driver overlays of {@code deploy/}).
 */
public class KubernetesSecretReader implements SecretReader {

    private final KubernetesClient client;

    public KubernetesSecretReader(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public Map<String, String> read(SecretReference reference) {
        Secret secret;
        try {
            secret = client.secrets().inNamespace(reference.namespace()).withName(reference.name()).get();
        } catch (KubernetesClientException e) {
            // The status code only: a server's message never carries the content, but say nothing more than needed.
            String message = "cannot read the expand secret " + reference + " of the volume (HTTP " + e.getCode()
                    + "): resize-service needs get on secrets in namespace " + reference.namespace();
            // A refusal is this Secret's own reason; anything else is the API server's, retried or not as it says.
            Reason reason = KubernetesApiFailures.reasonOf(e.getCode());
            throw new ResizeException(reason == Reason.KUBERNETES_API_FORBIDDEN ? Reason.SECRET_NOT_READABLE : reason, message);
        }
        if (secret == null) {
            throw new ResizeException(Reason.SECRET_NOT_READABLE,
                    "the expand secret " + reference + " named by the volume does not exist");
        }
        Map<String, String> values = new HashMap<>();
        if (secret.getData() != null) {
            secret.getData().forEach((key, value) -> values.put(key, new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8)));
        }
        if (secret.getStringData() != null) {
            values.putAll(secret.getStringData());
        }
        return values;
    }
}
