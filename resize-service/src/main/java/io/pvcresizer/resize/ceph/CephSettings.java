package io.pvcresizer.resize.ceph;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

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
public record CephSettings(Map<String, Cluster> clusters, Duration commandTimeout, Duration connectTimeout,
                           Breaker circuitBreaker, CephFs cephfs) {

    public CephSettings {
        clusters = clusters == null ? Map.of() : Map.copyOf(clusters);
        commandTimeout = commandTimeout == null ? Duration.ofSeconds(60) : commandTimeout;
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(15) : connectTimeout;
        circuitBreaker = circuitBreaker == null ? new Breaker(null, null, null) : circuitBreaker;
        cephfs = cephfs == null ? new CephFs(null, null) : cephfs;
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
    public record Cluster(Path conf, String user, Path keyring, String subvolumeGroup, List<String> pools,
                          List<String> filesystems) {
        public Cluster {
            user = user == null || user.isBlank() ? "admin" : user;
            subvolumeGroup = subvolumeGroup == null || subvolumeGroup.isBlank() ? "csi" : subvolumeGroup;
            pools = pools == null ? List.of() : List.copyOf(pools);
            filesystems = filesystems == null ? List.of() : List.copyOf(filesystems);
        }
    }

    /**
     * The circuit breaker of each cluster: after {@code failureRateThreshold} percent of the last
     * {@code slidingWindowSize} calls failed transiently, calls stop for {@code waitInOpenState}.
     */
    public record Breaker(Integer slidingWindowSize, Float failureRateThreshold, Duration waitInOpenState) {
        public Breaker {
            slidingWindowSize = slidingWindowSize == null ? 4 : slidingWindowSize;
            failureRateThreshold = failureRateThreshold == null ? 50f : failureRateThreshold;
            waitInOpenState = waitInOpenState == null ? Duration.ofSeconds(30) : waitInOpenState;
        }
    }

    /**
     * How CephFS volumes are grown.
     *
     * @param mode       {@code subvolume} ({@code ceph fs subvolume resize}, as ceph-csi provisions) or
     *                   {@code quota-xattr} ({@code ceph.quota.max_bytes} on the volume's directory)
     * @param adminMount where the CephFS root is mounted for the {@code quota-xattr} mode
     */
    public record CephFs(String mode, Path adminMount) {
        public CephFs {
            mode = mode == null || mode.isBlank() ? "subvolume" : mode;
        }
    }
}
