package io.pvcresizer.fs.grow;

import io.pvcresizer.fs.mount.LocatedVolume;

/** Grows the filesystem of a volume on this node to fill its (already grown) device; the port behind the fs tools. */
@FunctionalInterface
public interface FilesystemGrower {

    /**
     * Grows the filesystem so that it fills its device, which must hold at least {@code targetBytes}; growing a
     * filesystem that already fills its device is a success that changes nothing.
     *
     * @return what was grown and the size measured afterwards
     * @throws io.pvcresizer.common.failure.ResizeException classified transient, final or infeasible
     */
    GrowthResult grow(LocatedVolume volume, long targetBytes);
}
