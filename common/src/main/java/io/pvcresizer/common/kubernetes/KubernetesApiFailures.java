package io.pvcresizer.common.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.pvcresizer.common.failure.Reason;
import io.pvcresizer.common.failure.ResizeException;

/**
 * Classifies a Kubernetes API error once, by its HTTP status: a conflict, throttling, a server error or no answer at
 * all may pass when tried again; a refusal (401, 403), a rejected object (400, 422, other 4xx) or an object that is
 * gone (404, 410) fails the same way until someone changes something, so it is not retried.
 */
public final class KubernetesApiFailures {

    private KubernetesApiFailures() {
    }

    /** The reason for an API error with HTTP status {@code code} (0 or less: no answer, such as an I/O error). */
    public static Reason reasonOf(int code) {
        if (code == 409) {
            return Reason.KUBERNETES_CONFLICT;
        }
        if (code <= 0 || code == 408 || code == 429 || code >= 500) {
            return Reason.KUBERNETES_API_UNAVAILABLE;
        }
        if (code == 401 || code == 403) {
            return Reason.KUBERNETES_API_FORBIDDEN;
        }
        if (code == 404 || code == 410) {
            return Reason.KUBERNETES_OBJECT_GONE;
        }
        return Reason.KUBERNETES_API_REJECTED;
    }

    /**
     * The failure of {@code what} ({@code update status of claim ns/name}) as a classified {@link ResizeException}
     * naming the HTTP status and the server's words.
     */
    public static ResizeException classify(String what, KubernetesClientException e) {
        String status = e.getCode() > 0 ? "HTTP " + e.getCode() : "no answer";
        return new ResizeException(reasonOf(e.getCode()), what + " failed (" + status + "): " + e.getMessage(), e);
    }
}
