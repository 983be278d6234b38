package io.pvcresizer.tools.benchmark.fake;

import io.pvcresizer.fs.grow.FilesystemGrower;
import io.pvcresizer.fs.grow.GrowthResult;
import io.pvcresizer.fs.mount.LocatedVolume;
import java.util.Objects;

/**
 * Grows the benchmark's volumes (those {@link MountedVolumeLocator} found) instantly to their target, as an online
 * growth that changed the filesystem; every other volume is grown by the real grower with the real tools.
 */
public class InstantFilesystemGrower implements FilesystemGrower {

    private final FilesystemGrower real;

    public InstantFilesystemGrower(FilesystemGrower real) {
        this.real = Objects.requireNonNull(real, "real");
    }

    @Override
    public GrowthResult grow(LocatedVolume volume, long targetBytes) {
        if (volume.device() != null && volume.device().startsWith(MountedVolumeLocator.DEVICE_PREFIX)) {
            return new GrowthResult(volume, targetBytes, true);
        }
        return real.grow(volume, targetBytes);
    }
}
