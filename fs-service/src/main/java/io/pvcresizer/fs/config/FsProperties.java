package io.pvcresizer.fs.config;

import io.pvcresizer.fs.csi.CsiNodeSettings;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of fs-service ({@code pvc-resizer.fs.*}): which node this agent serves, where it finds kubelet's mounts and
 * the local-file images, and how long tools and Kafka may take.
 *
 * @param nodeName       the Kubernetes node this agent runs on (from the downward API, env {@code NODE_NAME}); required
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
        Path kubeletRoot,
        Path mountinfoPath,
        LocalFile localFile,
        Duration commandTimeout,
        Duration publishTimeout,
        Duration mountWait,
        CsiNodeSettings csi,
        org.springframework.util.unit.DataSize maxTarget) {

    public FsProperties {
        if (nodeName == null || nodeName.isBlank()) {
            throw new IllegalArgumentException(
                    "pvc-resizer.fs.node-name is required: set it, or the NODE_NAME environment variable (downward API spec.nodeName)");
        }
        kubeletRoot = kubeletRoot == null ? Path.of("/var/lib/kubelet") : kubeletRoot;
        csi = csi == null ? new CsiNodeSettings(null, null, null) : csi;
        maxTarget = maxTarget == null ? org.springframework.util.unit.DataSize.ofTerabytes(64) : maxTarget;
        mountinfoPath = mountinfoPath == null ? Path.of("/proc/self/mountinfo") : mountinfoPath;
        localFile = localFile == null ? new LocalFile(null) : localFile;
        commandTimeout = commandTimeout == null ? Duration.ofMinutes(2) : commandTimeout;
        publishTimeout = publishTimeout == null ? Duration.ofSeconds(30) : publishTimeout;
        mountWait = mountWait == null ? Duration.ofSeconds(30) : mountWait;
    }

    /**
     * Settings of the local-file driver's volumes: sparse image files behind loop devices.
     *
     * @param imageDir the directory holding one image file per volume, named by its volume handle
     */
    public record LocalFile(Path imageDir) {
        public LocalFile {
            imageDir = imageDir == null ? Path.of("/var/lib/pvc-resizer/images") : imageDir;
        }
    }
}
