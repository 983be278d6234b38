package io.pvcresizer.fs.stale;

import java.util.Locale;

/** What a {@code stat} of a FUSE mount point said about the mount. */
public enum MountState {
    /** It answered. */
    HEALTHY,
    /** It failed at once with "Transport endpoint is not connected": the daemon is gone. Can be remounted. */
    STALE,
    /** It did not answer in time: the daemon runs but gets no answer (from its cluster, say). Never remounted. */
    HUNG,
    /** It failed otherwise (gone meanwhile, permission denied): nothing is concluded. */
    UNKNOWN;

    /** The metric tag and health detail value: the name in lower case. */
    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
