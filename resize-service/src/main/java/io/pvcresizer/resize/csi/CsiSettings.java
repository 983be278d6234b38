package io.pvcresizer.resize.csi;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the {@code csi} backend ({@code pvc-resizer.resize.csi.*}): resize-service as the sidecar of one CSI
 * driver's controller, like {@code csi-resizer}.
 *
 * @param driver     the driver's name as {@code GetPluginInfo} returns it ({@code ebs.csi.aws.com}); unset, there is
 *                   no CSI backend
 * @param socket     the driver controller's Unix socket, shared with the sidecar through an emptyDir
 * @param timeout    the deadline of each CSI call (csi-resizer's default is 10 s; ceph-csi deploys 150 s)
 * @param kubeconfig the kubeconfig to read expand Secrets with; unset, the pod's own service account
 */
public record CsiSettings(String driver, @DefaultValue("/csi/csi.sock") Path socket,
                          @DefaultValue("10s") Duration timeout, Path kubeconfig) {

    public CsiSettings {
        if (driver != null && driver.isBlank()) {
            driver = null;
        }
    }

    /** Whether a CSI driver is configured. */
    public boolean enabled() {
        return driver != null;
    }
}
