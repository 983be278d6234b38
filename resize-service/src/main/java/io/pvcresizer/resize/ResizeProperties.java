package io.pvcresizer.resize;

import io.pvcresizer.common.topics.Topics;
import io.pvcresizer.resize.ceph.CephSettings;
import io.pvcresizer.resize.csi.CsiSettings;
import io.pvcresizer.resize.csi.CsiVolumeExpander;
import io.pvcresizer.resize.guard.GuardSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of resize-service ({@code pvc-resizer.resize.*}): which backend serves which driver, how long a result may
 * take to reach Kafka, where the local-file backend keeps its images, and the guard around every backend call.
 *
 * @param drivers        CSI driver or provisioner name → backend name; replaces the default mapping when set
 * @param publishTimeout how long to wait for Kafka to acknowledge a result before the request is retried
 * @param localFile      settings of the {@code local-file} backend
 * @param ceph           settings of the {@code rbd} and {@code cephfs} backends
 * @param guard          concurrency limit and in-place retry of each backend
 * @param csi            the CSI driver this resize-service is the sidecar of, if any ({@code csi} backend)
 * @param requestTopic   the topic of volume requests to consume: the shared one, or a driver's own
 *                       ({@code pvc-resizer.watcher.request-topics} on the watcher)
 * @param maxTarget      the largest size any backend grows a volume to; a larger request is refused as infeasible
 * @param maxTargets     backend → its own largest size, where it differs
 */
@ConfigurationProperties("pvc-resizer.resize")
public record ResizeProperties(Map<String, String> drivers, Duration publishTimeout, LocalFile localFile,
                               CephSettings ceph, GuardSettings guard, CsiSettings csi, String requestTopic,
                               org.springframework.util.unit.DataSize maxTarget,
                               Map<String, org.springframework.util.unit.DataSize> maxTargets) {

    /** The driver of pvc-resizer's own file-backed local volumes. */
    public static final String LOCAL_FILE_DRIVER = "file.pvc-resizer.io";

    /** The default mapping: pvc-resizer's file-backed volumes and ceph-csi's RBD and CephFS drivers. */
    public static final Map<String, String> DEFAULT_DRIVERS = Map.of(
            LOCAL_FILE_DRIVER, "local-file",
            "rbd.csi.ceph.com", "rbd",
            "cephfs.csi.ceph.com", "cephfs");

    public ResizeProperties {
        csi = csi == null ? new CsiSettings(null, null, null, null) : csi;
        if (drivers == null || drivers.isEmpty()) {
            // The sidecar of one CSI driver serves that driver only (and needs no Ceph tools).
            drivers = csi.enabled() ? Map.of(csi.driver(), CsiVolumeExpander.BACKEND) : DEFAULT_DRIVERS;
        } else if (csi.enabled() && !drivers.containsKey(csi.driver())) {
            Map<String, String> withCsi = new java.util.HashMap<>(drivers);
            withCsi.put(csi.driver(), CsiVolumeExpander.BACKEND);
            drivers = Map.copyOf(withCsi);
        } else {
            drivers = Map.copyOf(drivers);
        }
        maxTarget = maxTarget == null ? org.springframework.util.unit.DataSize.ofBytes(
                io.pvcresizer.resize.expansion.VolumeExpansionHandler.DEFAULT_MAX_TARGET_BYTES) : maxTarget;
        maxTargets = maxTargets == null ? Map.of() : Map.copyOf(maxTargets);
        requestTopic = Topics.volumeRequests(requestTopic == null || requestTopic.isBlank() ? Topics.VOLUME_REQUESTS_NAME : requestTopic).name();
        ceph = ceph == null ? new CephSettings(null, null, null, null, null) : ceph;
        publishTimeout = publishTimeout == null ? Duration.ofSeconds(30) : publishTimeout;
        localFile = localFile == null ? new LocalFile(null) : localFile;
        guard = guard == null ? GuardSettings.defaults() : guard;
    }

    /**
     * Settings of the backend of sparse image files behind loop devices.
     *
     * @param imageDir the directory holding one image file per volume, named by its volume handle
     */
    public record LocalFile(Path imageDir) {
        public LocalFile {
            imageDir = imageDir == null ? Path.of("/var/lib/pvc-resizer/images") : imageDir;
        }
    }

    /** The largest target {@code backend} may be asked for. */
    public long maxTargetBytes(String backend) {
        org.springframework.util.unit.DataSize own = maxTargets.get(backend);
        return (own == null ? maxTarget : own).toBytes();
    }
}
