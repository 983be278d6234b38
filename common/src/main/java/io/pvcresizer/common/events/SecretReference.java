package io.pvcresizer.common.events;

import java.util.Objects;

/**
 * Names a Kubernetes Secret (never its content, which never travels through Kafka): the one a CSI driver's expand
 * call needs, as the PV's {@code controllerExpandSecretRef} / {@code nodeExpandSecretRef} or the StorageClass's
 * {@code csi.storage.k8s.io/*-expand-secret-*} parameters name it.
 *
 * @param namespace the Secret's namespace (a DNS label)
 * @param name      the Secret's name (a DNS subdomain)
 */
public record SecretReference(String namespace, String name) {

    private static final String DNS_LABEL = "[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?";
    private static final String DNS_SUBDOMAIN = DNS_LABEL + "(\\." + DNS_LABEL + ")*";

    public SecretReference {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        if (!namespace.matches(DNS_LABEL)) {
            throw new IllegalArgumentException("secret namespace \"" + namespace + "\" is not a Kubernetes namespace name");
        }
        if (name.length() > 253 || !name.matches(DNS_SUBDOMAIN)) {
            throw new IllegalArgumentException("secret name \"" + name + "\" is not a Kubernetes object name");
        }
    }

    @Override
    public String toString() {
        return namespace + "/" + name;
    }
}
