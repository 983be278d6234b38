package io.pvcresizer.resize.cephfs;

import io.pvcresizer.common.failure.Reason;
import io.pvcresizer.common.failure.ResizeException;
import io.pvcresizer.resize.ceph.CephCli;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The size of a CephFS subvolume, as ceph-csi provisions them: read with {@code ceph fs subvolume info} ({@code
 * bytes_quota}), raised with {@code ceph fs subvolume resize … --no_shrink}.
 */
public class SubvolumeQuota implements CephFsQuota {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final CephCli ceph;
    private final String cluster;
    private final String fsName;
    private final String subvolume;
    private final String group;

    public SubvolumeQuota(CephCli ceph, String cluster, String fsName, String subvolume, String group) {
        this.ceph = ceph;
        this.cluster = cluster;
        this.fsName = fsName;
        this.subvolume = subvolume;
        this.group = group;
    }

    @Override
    public long current() {
        String json = ceph.run(cluster, CephCli.Tool.CEPH, "ceph fs subvolume info " + fsName + " " + subvolume,
                args("fs", "subvolume", "info", fsName, subvolume, "--format", "json"));
        return parseBytesQuota(json);
    }

    @Override
    public void raiseTo(long bytes) {
        ceph.run(cluster, CephCli.Tool.CEPH, "ceph fs subvolume resize " + fsName + " " + subvolume,
                args("fs", "subvolume", "resize", fsName, subvolume, Long.toString(bytes), "--no_shrink"));
    }

    /** {@code bytes_quota} of {@code ceph fs subvolume info --format json}; "infinite" is 0. */
    static long parseBytesQuota(String json) {
        try {
            JsonNode quota = JSON.readTree(json).get("bytes_quota");
            if (quota == null) {
                throw new ResizeException(Reason.UNEXPECTED_CEPH_OUTPUT, "subvolume info has no bytes_quota: " + json.strip());
            }
            return quota.canConvertToLong() ? quota.asLong() : 0L;
        } catch (JacksonException e) {
            throw new ResizeException(Reason.UNEXPECTED_CEPH_OUTPUT, "subvolume info printed no JSON: " + json.strip());
        }
    }

    private String[] args(String... base) {
        List<String> all = new ArrayList<>(List.of(base));
        if (group != null) {
            all.addAll(List.of("--group_name", group));
        }
        return all.toArray(String[]::new);
    }
}
