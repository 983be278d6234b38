package io.pvcresizer.fs.config;

import io.pvcresizer.fs.csi.CsiNodeSettings;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Settings of fs-service ({@code pvc-resizer.fs.*}): which node this agent serves, where it finds kubelet's mounts and
 * the local-file images, and how long tools and Kafka may take.
 *
 * @param nodeName       the Kubernetes node this agent runs on (in the DaemonSet from the downward API
 *                       {@code spec.nodeName}, env {@code PVCRESIZER_FS_NODENAME}); required
 * @param kubeletRoot    kubelet's root directory as seen by this process
 * @param mountinfoPath  the mount table to read (the host's, in a DaemonSet with host PID or a host mount)
 * @param localFile      settings of volumes of the local-file driver
 * @param commandTimeout how long one external tool may run before it is killed
 * @param publishTimeout how long to wait for Kafka to acknowledge a result before the request is retried
 * @param mountWait      how long a request for a volume not yet mounted here waits for the mount (pod-restart path)
 * @param csi            the CSI drivers whose node plugin does the node step itself ({@code NodeExpandVolume})
 * @param maxTarget      the largest target size a request may ask for; larger ones are refused as infeasible
 */
@ConfigurationProperties("pvc-resizer.fs")
public record FsProperties(
        String nodeName,
        @DefaultValue("/var/lib/kubelet") Path kubeletRoot,
        @DefaultValue("/proc/self/mountinfo") Path mountinfoPath,
        @DefaultValue LocalFile localFile,
        @DefaultValue("2m") Duration commandTimeout,
        @DefaultValue("30s") Duration publishTimeout,
        @DefaultValue("30s") Duration mountWait,
        @DefaultValue @NestedConfigurationProperty CsiNodeSettings csi,
        @DefaultValue("64TB") DataSize maxTarget) {

    public FsProperties {
        if (nodeName == null || nodeName.isBlank()) {
            throw new IllegalArgumentException("pvc-resizer.fs.node-name is required: set it (env PVCRESIZER_FS_NODENAME;"
                    + " in the DaemonSet from the downward API spec.nodeName)");
        }
    }

    /**
     * Settings of the local-file driver's volumes: sparse image files behind loop devices.
     *
     * @param imageDir the directory holding one image file per volume, named by its volume handle
     */
    public record LocalFile(@DefaultValue("/var/lib/pvc-resizer/images") Path imageDir) {
    }
}
