package io.pvcresizer.fs.grow;

import io.pvcresizer.common.events.VolumeMode;
import io.pvcresizer.fs.mount.LocatedVolume;
import java.util.Objects;

/**
 * What a growth did: the volume it worked on, the filesystem size measured afterwards, and whether anything changed.
 *
 * @param volume          the volume as found on the node
 * @param filesystemBytes the size measured after growing: {@code statfs} total bytes when mounted (less than the device
 *                        by the filesystem's own metadata), superblock block count × block size when not; the target
 *                        for a block-mode volume
 * @param changed         false when the filesystem already filled its device (a repeated request)
 */
public record GrowthResult(LocatedVolume volume, long filesystemBytes, boolean changed) {

    /** The filesystem type reported for a block-mode volume, which has none. */
    public static final String BLOCK = "block";

    public GrowthResult {
        Objects.requireNonNull(volume, "volume");
    }

    /** The filesystem type ({@code xfs}, {@code ext4}), or {@value #BLOCK} for a raw block volume. */
    public String fsType() {
        return volume.mode() == VolumeMode.Block ? BLOCK : volume.fsType();
    }

    /** Whether the filesystem was mounted while it grew. */
    public boolean online() {
        return volume.mounted();
    }
}
