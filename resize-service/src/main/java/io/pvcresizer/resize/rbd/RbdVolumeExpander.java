package io.pvcresizer.resize.rbd;

import io.pvcresizer.common.events.VolumeExpansionRequested;
import io.pvcresizer.common.events.VolumeMode;
import io.pvcresizer.common.failure.Reason;
import io.pvcresizer.common.failure.ResizeException;
import io.pvcresizer.common.quantity.StorageQuantities;
import io.pvcresizer.resize.ceph.CephCli;
import io.pvcresizer.resize.ceph.CephNames;
import io.pvcresizer.resize.expansion.ExpansionResult;
import io.pvcresizer.resize.expansion.VolumeExpander;
import java.util.Map;

/**
 * Grows Ceph RBD images with {@code rbd resize}, as ceph-csi's ControllerExpandVolume does: the image is found from the
 * PV's volume attributes ({@code clusterID}, {@code pool}, {@code imageName}, optional {@code radosNamespace}), the
 * target rounded up to a whole MiB, an image already as large left as it is (never shrunk), and the new size read
 * back with {@code rbd info}.
 */
public class RbdVolumeExpander implements VolumeExpander {

    public static final String BACKEND = "rbd";
    private static final long MI = 1024L * 1024;

    private final CephCli ceph;

    public RbdVolumeExpander(CephCli ceph) {
        this.ceph = ceph;
    }

    @Override
    public String backend() {
        return BACKEND;
    }

    @Override
    public ExpansionResult expand(VolumeExpansionRequested request) {
        Map<String, String> attributes = request.volumeAttributes();
        String cluster = CephNames.required(attributes, "clusterID");
        String pool = CephNames.required(attributes, "pool");
        ceph.requireServed(cluster, "pool", pool);
        String image = CephNames.required(attributes, "imageName");
        String namespace = CephNames.optional(attributes, "radosNamespace", null);
        String spec = namespace == null ? pool + "/" + image : pool + "/" + namespace + "/" + image;
        boolean nodeStep = request.volumeMode() != VolumeMode.Block;
        // Rounded up without overflow, whatever the target.
        long targetMiB = request.targetBytes() / MI + (request.targetBytes() % MI == 0 ? 0 : 1);
        if (targetMiB > Long.MAX_VALUE / MI) {
            throw new ResizeException(Reason.INVALID_SIZE, "target size " + request.targetBytes()
                    + " bytes cannot be rounded up to whole MiB within 2^63 bytes");
        }
        long target = targetMiB * MI;

        long current = info(cluster, spec).sizeBytes();
        if (current >= target) {
            // Already grown (a repeated or replayed request, or an earlier larger resize): never shrink, report the size,
            // as ceph-csi does. Shrinks are refused before they get here, by the watcher.
            return ExpansionResult.alreadyAt(current, nodeStep);
        }
        ceph.run(cluster, CephCli.Tool.RBD, "rbd resize " + spec,
                "resize", "--size", targetMiB + "M", "--no-progress", spec);
        long grown = info(cluster, spec).sizeBytes();
        if (grown < target) {
            throw new ResizeException(Reason.RESIZE_NOT_VISIBLE, "rbd resize of " + spec + " to "
                    + StorageQuantities.format(target) + " succeeded but rbd info reports " + StorageQuantities.format(grown), null);
        }
        return ExpansionResult.grown(grown, nodeStep);
    }

    private RbdImageInfo info(String cluster, String spec) {
        return RbdImageInfo.parse(ceph.run(cluster, CephCli.Tool.RBD, "rbd info " + spec, "info", "--format", "json", spec));
    }
}
