package io.pvcresizer.resize.ceph;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the Ceph backends ({@code pvc-resizer.resize.ceph.*}): the clusters by their ceph-csi {@code clusterID},
 * how long a CLI call may take, the circuit breaker per cluster, and how CephFS volumes are grown.
 *
 * @param clusters       clusterID → how to reach that cluster
 * @param commandTimeout longest run of one {@code rbd} / {@code ceph} call (it is killed after)
 * @param connectTimeout how long a CLI call waits for the monitors before it gives up
 * @param circuitBreaker when to stop calling a cluster that keeps failing
 * @param cephfs         how CephFS volumes are grown
 */
public record CephSettings(
        @DefaultValue Map<String, Cluster> clusters,
        @DefaultValue("60s") Duration commandTimeout,
        @DefaultValue("15s") Duration connectTimeout,
        @DefaultValue Breaker circuitBreaker,
        @DefaultValue CephFs cephfs) {

    public CephSettings {
        clusters = Map.copyOf(clusters);
    }

    /**
     * One Ceph cluster.
     *
     * @param conf    its {@code ceph.conf} (monitor addresses)
     * @param user    the CephX user, without {@code client.} ({@code admin}, {@code csi-rbd-provisioner})
     * @param keyring the keyring file of that user, mounted from a Secret; its content never reaches a command line
     * @param subvolumeGroup the CephFS subvolume group ceph-csi provisions into on this cluster (its config map's
     *                       {@code cephFS.subvolumeGroup}), for PVs that name none; ceph-csi's default {@code csi}
     * @param pools          the RBD pools pvc-resizer may grow images in; empty: any pool the CephX user can write
     * @param filesystems    the CephFS filesystems pvc-resizer may raise quotas in; empty: any
     */
    public record Cluster(Path conf, @DefaultValue("admin") String user, Path keyring,
                          @DefaultValue("csi") String subvolumeGroup, @DefaultValue List<String> pools,
                          @DefaultValue List<String> filesystems) {
        public Cluster {
            pools = List.copyOf(pools);
            filesystems = List.copyOf(filesystems);
        }
    }

    /**
     * The circuit breaker of each cluster: after {@code failureRateThreshold} percent of the last
     * {@code slidingWindowSize} calls failed transiently, calls stop for {@code waitInOpenState}.
     */
    public record Breaker(@DefaultValue("4") int slidingWindowSize, @DefaultValue("50") float failureRateThreshold,
                          @DefaultValue("30s") Duration waitInOpenState) {
    }

    /**
     * How CephFS volumes are grown.
     *
     * @param mode       {@code subvolume} ({@code ceph fs subvolume resize}, as ceph-csi provisions) or
     *                   {@code quota-xattr} ({@code ceph.quota.max_bytes} on the volume's directory)
     * @param adminMount where the CephFS root is mounted for the {@code quota-xattr} mode
     */
    public record CephFs(@DefaultValue("subvolume") String mode, Path adminMount) {
    }
}
