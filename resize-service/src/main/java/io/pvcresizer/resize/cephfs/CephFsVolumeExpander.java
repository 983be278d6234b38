package io.pvcresizer.resize.cephfs;

import io.pvcresizer.common.command.CommandRunner;
import io.pvcresizer.common.events.VolumeExpansionRequested;
import io.pvcresizer.common.failure.ResizeException;
import io.pvcresizer.resize.ceph.CephCli;
import io.pvcresizer.resize.ceph.CephNames;
import io.pvcresizer.resize.ceph.CephSettings;
import io.pvcresizer.resize.expansion.ExpansionResult;
import io.pvcresizer.resize.expansion.VolumeExpander;
import java.util.Map;

/**
 * Grows CephFS volumes by raising their quota — a subvolume's size (as ceph-csi does) or the
 * {@code ceph.quota.max_bytes} attribute of a directory (as the seed article did) — and reads it back; clients see
 * the new size at once, so no node step is ever needed.
 */
public class CephFsVolumeExpander implements VolumeExpander {

    public static final String BACKEND = "cephfs";

    private final CephCli ceph;
    private final CommandRunner runner;
    private final CephSettings settings;

    public CephFsVolumeExpander(CephCli ceph, CommandRunner runner, CephSettings settings) {
        this.ceph = ceph;
        this.runner = runner;
        this.settings = settings;
    }

    @Override
    public String backend() {
        return BACKEND;
    }

    @Override
    public ExpansionResult expand(VolumeExpansionRequested request) {
        CephFsQuota quota = quotaOf(request.volumeAttributes());
        long target = request.targetBytes();
        long current = quota.current();
        if (current == 0) {
            // No quota: the volume is as large as the filesystem; setting one would shrink it.
            return ExpansionResult.alreadyAt(target, false);
        }
        if (current >= target) {
            return ExpansionResult.alreadyAt(current, false);
        }
        quota.raiseTo(target);
        long raised = quota.current();
        if (raised < target) {
            throw ResizeException.transientFailure("ResizeNotVisible", "the CephFS quota was set to " + target
                    + " bytes but reads back as " + raised, null);
        }
        return ExpansionResult.grown(raised, false);
    }

    private CephFsQuota quotaOf(Map<String, String> attributes) {
        if ("quota-xattr".equals(settings.cephfs().mode())) {
            return new XattrQuota(runner, settings.cephfs().adminMount(), attributes.get("rootPath"), settings.commandTimeout());
        }
        String cluster = CephNames.required(attributes, "clusterID");
        String fsName = CephNames.required(attributes, "fsName");
        String subvolume = CephNames.required(attributes, "subvolumeName");
        String group = CephNames.optional(attributes, "subvolumeGroup", null);
        return new SubvolumeQuota(ceph, cluster, fsName, subvolume, group);
    }
}
