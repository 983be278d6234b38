package io.pvcresizer.resize;

import io.pvcresizer.common.drivers.BuiltInDrivers;
import io.pvcresizer.common.topics.Topics;
import io.pvcresizer.resize.ceph.CephSettings;
import io.pvcresizer.resize.csi.CsiSettings;
import io.pvcresizer.resize.csi.CsiVolumeExpander;
import io.pvcresizer.resize.guard.GuardSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Settings of resize-service ({@code pvc-resizer.resize.*}): which backend serves which driver, how long a result may
 * take to reach Kafka, where the local-file backend keeps its images, and the guard around every backend call.
 *
 * @param drivers        CSI driver or provisioner name → backend name; replaces the built-in mapping
 *                       ({@link BuiltInDrivers#BACKENDS}) when set
 * @param publishTimeout how long to wait for Kafka to acknowledge a result before the request is retried
 * @param localFile      settings of the {@code local-file} backend
 * @param ceph           settings of the {@code rbd} and {@code cephfs} backends
 * @param guard          concurrency limit and in-place retry of each backend
 * @param csi            the CSI driver this resize-service is the sidecar of, if any ({@code csi} backend)
 * @param requestTopic   the topic of volume requests to consume: the shared one, or a driver's own
 *                       ({@code pvc-resizer.watcher.request-topics} on the watcher)
 * @param maxTarget      the largest size any backend grows a volume to; a larger request is refused as infeasible
 * @param maxTargets     backend → its own largest size, where it differs
 * @param groupId        the Kafka consumer group of the volume requests
 */
@ConfigurationProperties("pvc-resizer.resize")
public record ResizeProperties(
        @DefaultValue Map<String, String> drivers,
        @DefaultValue("30s") Duration publishTimeout,
        @DefaultValue LocalFile localFile,
        @DefaultValue @NestedConfigurationProperty CephSettings ceph,
        @DefaultValue @NestedConfigurationProperty GuardSettings guard,
        @DefaultValue @NestedConfigurationProperty CsiSettings csi,
        @DefaultValue(Topics.VOLUME_REQUESTS_NAME) String requestTopic,
        @DefaultValue("64TB") DataSize maxTarget,
        @DefaultValue Map<String, DataSize> maxTargets,
        @DefaultValue("resize-service") String groupId) {

    public ResizeProperties {
        if (drivers.isEmpty()) {
            // The sidecar of one CSI driver serves that driver only (and needs no Ceph tools).
            drivers = csi.enabled() ? Map.of(csi.driver(), CsiVolumeExpander.BACKEND) : BuiltInDrivers.BACKENDS;
        } else if (csi.enabled() && !drivers.containsKey(csi.driver())) {
            Map<String, String> withCsi = new java.util.HashMap<>(drivers);
            withCsi.put(csi.driver(), CsiVolumeExpander.BACKEND);
            drivers = Map.copyOf(withCsi);
        } else {
            drivers = Map.copyOf(drivers);
        }
        maxTargets = Map.copyOf(maxTargets);
        requestTopic = Topics.volumeRequests(requestTopic.isBlank() ? Topics.VOLUME_REQUESTS_NAME : requestTopic).name();
    }

    /**
     * Settings of the backend of sparse image files behind loop devices.
     *
     * @param imageDir the directory holding one image file per volume, named by its volume handle
     */
    public record LocalFile(@DefaultValue("/var/lib/pvc-resizer/images") Path imageDir) {
    }

    /** The largest target {@code backend} may be asked for. */
    public long maxTargetBytes(String backend) {
        DataSize own = maxTargets.get(backend);
        return (own == null ? maxTarget : own).toBytes();
    }
}
