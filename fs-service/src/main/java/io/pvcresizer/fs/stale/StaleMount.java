package io.pvcresizer.fs.stale;

import java.nio.file.Path;
import java.time.Instant;

/**
 * A stale or hung FUSE mount as reported: what the health details list and what the event says.
 *
 * @param mountPoint where it is mounted
 * @param fsType     its filesystem type ({@code fuse.ceph-fuse})
 * @param state      {@link MountState#STALE} or {@link MountState#HUNG}
 * @param since      when this agent first found it so
 * @param pvName     the PV whose mount it is, or empty
 * @param podUid     the pod whose volume it is, or empty
 * @param recovered  whether it was remounted and answers again
 * @param message    what was found and done, in one line
 */
public record StaleMount(Path mountPoint, String fsType, MountState state, Instant since, String pvName, String podUid,
        boolean recovered, String message) {
}
