package io.pvcresizer.common.events;

/**
 * A node agent found a FUSE mount whose daemon is gone (every access fails with "Transport endpoint is not
 * connected"), and says whether it recovered it.
 *
 * <p>The agent knows the PV (from the kubelet path) but not the claim: {@code header.volume} has the PV name and
 * empty namespace and claim name; the watcher finds the claim through the PV's {@code claimRef}.
 *
 * @param header     common event fields; {@code volume.pvName} empty for a mount that is not a PV's
 * @param nodeName   the node the mount is on (the Kafka key)
 * @param mountPoint the stale mount point
 * @param fsType     its filesystem type ({@code fuse.ceph-fuse})
 * @param podUid     the pod whose volume it is, or empty
 * @param recovered  whether the agent remounted it and it answers again
 * @param message    what was found and done, for the Warning event an operator reads
 */
public record StaleMountDetected(
        EventHeader header, String nodeName, String mountPoint, String fsType, String podUid, boolean recovered,
        String message) implements ResizeEvent {

    public static final String TYPE = "StaleMountDetected";
}
