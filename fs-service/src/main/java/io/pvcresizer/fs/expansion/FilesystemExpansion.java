package io.pvcresizer.fs.expansion;

import io.pvcresizer.common.drivers.BuiltInDrivers;
import io.pvcresizer.common.events.FilesystemExpansionRequested;
import io.pvcresizer.common.events.VolumeMode;
import io.pvcresizer.common.failure.Reason;
import io.pvcresizer.common.failure.ResizeException;
import io.pvcresizer.fs.csi.CsiNodeExpander;
import io.pvcresizer.fs.csi.CsiNodePlugins;
import io.pvcresizer.fs.grow.FilesystemGrower;
import io.pvcresizer.fs.grow.GrowthResult;
import io.pvcresizer.fs.mount.LocatedVolume;
import io.pvcresizer.fs.mount.VolumeLocator;
import java.util.Objects;

/**
 * Carries out one filesystem expansion request on this node: under the volume's lock, hands it to the driver's CSI node
 * plugin when that grows volumes itself, else finds the volume and grows its filesystem; a block-mode volume has no
 * filesystem and succeeds at once.
 */
public class FilesystemExpansion {

    private static final java.util.Set<String> EXT = java.util.Set.of("ext2", "ext3", "ext4");

    private final VolumeLocks locks;
    private final VolumeLocator locator;
    private final FilesystemGrower grower;
    private final java.time.Duration mountWait;
    private final java.time.Duration pollInterval;
    private final CsiNodePlugins csiPlugins;
    private final long maxTargetBytes;

    public FilesystemExpansion(VolumeLocks locks, VolumeLocator locator, FilesystemGrower grower) {
        this(locks, locator, grower, java.time.Duration.ZERO, java.time.Duration.ofMillis(500));
    }

    public FilesystemExpansion(VolumeLocks locks, VolumeLocator locator, FilesystemGrower grower,
                               java.time.Duration mountWait, java.time.Duration pollInterval) {
        this(locks, locator, grower, mountWait, pollInterval, CsiNodePlugins.NONE);
    }

    /**
     * @param mountWait    how long a request for a volume not (yet) mounted here waits for its mount to appear — the
     *                     pod-restart path — before it fails transiently and is retried
     * @param pollInterval how often the mount table is read while waiting
     * @param csiPlugins   the CSI node plugins that do the node step of their drivers' volumes themselves; no upper
     *                     bound on the target
     */
    public FilesystemExpansion(VolumeLocks locks, VolumeLocator locator, FilesystemGrower grower,
                               java.time.Duration mountWait, java.time.Duration pollInterval, CsiNodePlugins csiPlugins) {
        this(locks, locator, grower, mountWait, pollInterval, csiPlugins, Long.MAX_VALUE);
    }

    /** @param maxTargetBytes the largest target a request may ask for (a forged one asks for exabytes) */
    public FilesystemExpansion(VolumeLocks locks, VolumeLocator locator, FilesystemGrower grower,
                               java.time.Duration mountWait, java.time.Duration pollInterval, CsiNodePlugins csiPlugins,
                               long maxTargetBytes) {
        this.maxTargetBytes = maxTargetBytes;
        this.csiPlugins = Objects.requireNonNull(csiPlugins, "csiPlugins");
        this.locks = Objects.requireNonNull(locks, "locks");
        this.locator = Objects.requireNonNull(locator, "locator");
        this.grower = Objects.requireNonNull(grower, "grower");
        this.mountWait = Objects.requireNonNull(mountWait, "mountWait");
        this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
    }

    /**
     * Grows the filesystem of the request's volume to fill its device.
     *
     * @throws ResizeException classified transient, final or infeasible
     */
    public GrowthResult expand(FilesystemExpansionRequested request) {
        if (request.targetBytes() <= 0) {
            throw new ResizeException(Reason.INVALID_TARGET_SIZE, "target size " + request.targetBytes() + " is not positive");
        }
        if (request.targetBytes() > maxTargetBytes) {
            throw new ResizeException(Reason.TARGET_TOO_LARGE, "target size " + request.targetBytes()
                    + " bytes is above the largest this node agent grows a filesystem to, " + maxTargetBytes
                    + " bytes (pvc-resizer.fs.max-target)");
        }
        String pvName = request.volume().pvName();
        return locks.withLock(pvName, () -> {
            java.util.Optional<CsiNodeExpander> plugin = csiPlugins.expanderFor(request.driver());
            if (plugin.isPresent()) {
                return plugin.get().expand(request);
            }
            if (request.volumeMode() == VolumeMode.Block) {
                // A file-backed block volume attached here is a loop device: found, so that it is rescanned.
                LocatedVolume block = BuiltInDrivers.LOCAL_FILE.equals(request.driver())
                        ? locator.locate(request).filter(v -> v.device() != null)
                                .map(v -> new LocatedVolume(VolumeMode.Block, v.device(), "", null, false))
                                .orElse(LocatedVolume.block())
                        : LocatedVolume.block();
                return grower.grow(block, request.targetBytes());
            }
            boolean podHere = locator.podKnownHere(request);
            LocatedVolume volume = (podHere ? awaitVolume(request) : locator.locate(request)).orElseThrow(
                    () -> new ResizeException(Reason.VOLUME_NOT_ON_NODE, "the volume of PV " + pvName
                            + " (pod uid " + request.podUid() + ") is neither mounted by kubelet nor attached on this"
                            + " node (" + (podHere ? "waited " + mountWait.toSeconds() + " s"
                                    : "kubelet has no directory for that pod here, so no mount was waited for") + ")",
                            null));
            return grower.grow(volume, request.targetBytes());
        });
    }

    /**
     * The volume as soon as it can be grown: mounted, or an unmounted ext filesystem (grown before it is mounted); within
     * {@code mountWait} the mount table is read again and again, as kubelet may still be mounting it for a new pod.
     * Only for a pod kubelet knows here: a request for any other holds the node's partition for no longer than one
     * look.
     */
    private java.util.Optional<LocatedVolume> awaitVolume(FilesystemExpansionRequested request) {
        long deadline = System.nanoTime() + mountWait.toNanos();
        while (true) {
            java.util.Optional<LocatedVolume> volume = locator.locate(request);
            boolean ready = volume.map(v -> v.mounted() || EXT.contains(v.fsType())).orElse(false);
            if (ready || System.nanoTime() - deadline >= 0) {
                return volume;
            }
            try {
                Thread.sleep(pollInterval.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return volume;
            }
        }
    }
}
