package io.pvcresizer.resize.cephfs;

import io.pvcresizer.common.command.CommandRunner;
import io.pvcresizer.common.events.VolumeExpansionRequested;
import io.pvcresizer.common.failure.Reason;
import io.pvcresizer.common.failure.ResizeException;
import io.pvcresizer.resize.ceph.CephCli;
import io.pvcresizer.resize.ceph.CephNames;
import io.pvcresizer.resize.ceph.CephSettings;
import io.pvcresizer.resize.expansion.ExpansionResult;
import io.pvcresizer.resize.expansion.VolumeExpander;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Grows CephFS volumes by raising their quota — a subvolume's size (as ceph-csi does) or the
 * {@code ceph.quota.max_bytes} attribute of a directory (as the seed article did) — and reads it back; clients see
 * the new size at once, so no node step is ever needed.
 */
public class CephFsVolumeExpander implements VolumeExpander {

    public static final String BACKEND = "cephfs";

    /** {@code /volumes/<group>/<subvolume>[/<uuid>...]}, where CephFS keeps a subvolume's data. */
    private static final Pattern SUBVOLUME_PATH = Pattern.compile("/volumes/([^/]+)/([^/]+)(/.*)?");

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
            throw new ResizeException(Reason.RESIZE_NOT_VISIBLE, "the CephFS quota was set to " + target
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
        ceph.requireServed(cluster, "filesystem", fsName);
        if ("true".equals(attributes.get("staticVolume"))) {
            return staticVolumeQuota(attributes, cluster, fsName);
        }
        String subvolume = CephNames.required(attributes, "subvolumeName");
        return new SubvolumeQuota(ceph, cluster, fsName, subvolume, groupOf(attributes, cluster, subvolume));
    }

    /**
     * The subvolume group of a volume ceph-csi provisioned: as the PV names it, else as its {@code subvolumePath}
     * ({@code /volumes/<group>/<subvolume>/<uuid>}) shows it, else the cluster's configured group (ceph-csi's
     * default {@code csi}, which it writes into no attribute).
     */
    private String groupOf(Map<String, String> attributes, String cluster, String subvolume) {
        String named = attributes.get("subvolumeGroup");
        if (named != null && !named.isBlank()) {
            return "_nogroup".equals(named) ? null : CephNames.checked("subvolume group", named);
        }
        Matcher path = SUBVOLUME_PATH.matcher(attributes.getOrDefault("subvolumePath", ""));
        if (path.matches() && path.group(2).equals(subvolume)) {
            return "_nogroup".equals(path.group(1)) ? null : CephNames.checked("subvolume group", path.group(1));
        }
        CephSettings.Cluster configured = settings.clusters().get(cluster);
        return configured == null ? "csi" : noGroup(configured.subvolumeGroup());
    }

    /**
     * A static PV ({@code staticVolume: "true"}) names a path, not a subvolume: when that path is a subvolume's
     * ({@code /volumes/<group>/<subvolume>/...}) its size is raised on the PV's own cluster and filesystem; any
     * other directory has no size to raise in this mode.
     */
    private CephFsQuota staticVolumeQuota(Map<String, String> attributes, String cluster, String fsName) {
        String rootPath = attributes.get("rootPath");
        Matcher path = SUBVOLUME_PATH.matcher(rootPath == null ? "" : rootPath);
        if (!path.matches()) {
            throw new ResizeException(Reason.STATIC_VOLUME_NOT_A_SUBVOLUME, "the static CephFS volume's rootPath \""
                    + rootPath + "\" is not a subvolume path (/volumes/<group>/<subvolume>/...): its size is not a"
                    + " subvolume quota; set pvc-resizer.resize.ceph.cephfs.mode=quota-xattr to grow directory quotas");
        }
        String group = "_nogroup".equals(path.group(1)) ? null : CephNames.checked("subvolume group", path.group(1));
        return new SubvolumeQuota(ceph, cluster, fsName, CephNames.checked("subvolume", path.group(2)), group);
    }

    /** Ceph's name for "no group" ({@code _nogroup}) is no {@code --group_name} at all; any other is checked. */
    private static String noGroup(String group) {
        return "_nogroup".equals(group) ? null : CephNames.checked("subvolume group", group);
    }
}
