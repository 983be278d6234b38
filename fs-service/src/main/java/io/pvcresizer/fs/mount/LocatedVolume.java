package io.pvcresizer.fs.mount;

import io.pvcresizer.common.events.VolumeMode;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * A volume as found on this node: its block device, the filesystem on it, and where it is mounted (null when it is
 * not mounted anywhere).
 *
 * @param mode       Filesystem, or Block for a raw block volume that has no filesystem to grow
 * @param device     the block device ({@code /dev/loop3}); null for a block-mode volume that was not looked up
 * @param fsType     the filesystem type in lower case ({@code xfs}, {@code ext4}); empty when unknown
 * @param mountPoint where it is mounted on this node, or null when it is not mounted
 * @param readOnly   whether that mount refuses writes
 */
public record LocatedVolume(VolumeMode mode, String device, String fsType, Path mountPoint, boolean readOnly) {

    public LocatedVolume {
        Objects.requireNonNull(mode, "mode");
        fsType = fsType == null ? "" : fsType.strip().toLowerCase(Locale.ROOT);
    }

    /** A filesystem volume mounted as the given mount-table entry says. */
    public static LocatedVolume mounted(MountEntry mount) {
        return new LocatedVolume(VolumeMode.Filesystem, mount.source(), mount.fsType(), mount.mountPoint(), mount.readOnly());
    }

    /** A filesystem volume whose device is attached to this node but not mounted. */
    public static LocatedVolume unmounted(String device, String fsType) {
        return new LocatedVolume(VolumeMode.Filesystem, Objects.requireNonNull(device, "device"), fsType, null, false);
    }

    /** A raw block volume: there is no filesystem, so nothing on the node to find or grow. */
    public static LocatedVolume block() {
        return new LocatedVolume(VolumeMode.Block, null, "", null, false);
    }

    /** Whether the filesystem is mounted on this node. */
    public boolean mounted() {
        return mountPoint != null;
    }
}
