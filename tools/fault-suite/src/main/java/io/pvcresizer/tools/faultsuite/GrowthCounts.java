package io.pvcresizer.tools.faultsuite;

/**
 * How often the backend and the node agent really grew something, and how often they found it already grown, from
 * their own counters: the proof that a duplicate request grows nothing twice.
 */
public record GrowthCounts(long volumesGrown, long volumesAtSize, long filesystemsGrown, long filesystemsAtSize) {

    private static final String VOLUMES = "pvc_resizer_volume_expansions_total";
    private static final String FILESYSTEMS = "pvc_resizer_filesystem_expansions_total";

    /** The counters as the running resize-service and fs-service serve them now. */
    public static GrowthCounts of(FaultStage stage) {
        return new GrowthCounts(
                (long) stage.resizeServiceMetric(VOLUMES, "outcome=\"expanded\""),
                (long) stage.resizeServiceMetric(VOLUMES, "outcome=\"already_at_size\""),
                (long) stage.fsServiceMetric(FILESYSTEMS, "outcome=\"expanded\""),
                (long) stage.fsServiceMetric(FILESYSTEMS, "outcome=\"already_expanded\""));
    }

    /** The growth since {@code before}. */
    public GrowthCounts minus(GrowthCounts before) {
        return new GrowthCounts(volumesGrown - before.volumesGrown, volumesAtSize - before.volumesAtSize,
                filesystemsGrown - before.filesystemsGrown, filesystemsAtSize - before.filesystemsAtSize);
    }
}
