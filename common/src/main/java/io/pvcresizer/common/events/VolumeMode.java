package io.pvcresizer.common.events;

/** The Kubernetes volume mode of a PV: a filesystem to grow on the node, or a raw block device that needs no node step. */
public enum VolumeMode {
    Filesystem,
    Block;

    /** Reads a PV's {@code spec.volumeMode}, which Kubernetes defaults to Filesystem when absent. */
    public static VolumeMode fromSpec(String specValue) {
        return "Block".equals(specValue) ? Block : Filesystem;
    }
}
