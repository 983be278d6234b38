package io.pvcresizer.resize.expansion;

/**
 * What a backend reports after growing a volume (or finding it already large enough).
 *
 * @param newSizeBytes          the size the backend reports now; may be rounded up from the target
 * @param nodeExpansionRequired whether a filesystem on a node must still be grown (false for block mode and for
 *                              backends such as CephFS whose size is a quota)
 * @param alreadyAtSize         whether the volume already had the target size, so nothing was changed
 */
public record ExpansionResult(long newSizeBytes, boolean nodeExpansionRequired, boolean alreadyAtSize) {

    /** The backend grew the volume to {@code newSizeBytes}. */
    public static ExpansionResult grown(long newSizeBytes, boolean nodeExpansionRequired) {
        return new ExpansionResult(newSizeBytes, nodeExpansionRequired, false);
    }

    /** The volume already had at least the target size; nothing was changed. */
    public static ExpansionResult alreadyAt(long currentSizeBytes, boolean nodeExpansionRequired) {
        return new ExpansionResult(currentSizeBytes, nodeExpansionRequired, true);
    }
}
