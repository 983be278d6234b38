package io.pvcresizer.tools.benchmark.fake;

import io.pvcresizer.common.events.VolumeExpansionRequested;
import io.pvcresizer.common.events.VolumeMode;
import io.pvcresizer.resize.expansion.ExpansionResult;
import io.pvcresizer.resize.expansion.VolumeExpander;

/**
 * A storage backend that grows every volume instantly, so that the benchmark measures the pipeline rather than a
 * storage system: it reports the target size at once and asks for the node step unless the volume is a raw block one,
 * as the real file and RBD backends do.
 */
public class InstantVolumeExpander implements VolumeExpander {

    /** The backend name the benchmark's driver is mapped to ({@code pvc-resizer.resize.drivers[…]=instant}). */
    public static final String BACKEND = "instant";

    @Override
    public String backend() {
        return BACKEND;
    }

    @Override
    public ExpansionResult expand(VolumeExpansionRequested request) {
        return ExpansionResult.grown(request.targetBytes(), request.volumeMode() != VolumeMode.Block);
    }
}
