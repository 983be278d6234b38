package io.pvcresizer.tools.benchmark.fake;

import io.pvcresizer.common.events.FilesystemExpansionRequested;
import io.pvcresizer.common.events.VolumeMode;
import io.pvcresizer.fs.device.BlockDevices;
import io.pvcresizer.fs.device.LoopDevices;
import io.pvcresizer.fs.mount.KubeletVolumeLocator;
import io.pvcresizer.fs.mount.LocatedVolume;
import io.pvcresizer.fs.mount.MountTable;
import io.pvcresizer.fs.mount.VolumeLocator;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Finds a volume of the benchmark's driver as if kubelet had mounted it for its pod (so it is grown online), without a
 * device or a mount; volumes of every other driver are looked up as fs-service always does.
 */
public class MountedVolumeLocator implements VolumeLocator {

    /** The device name given to the benchmark's volumes, which tells {@link InstantFilesystemGrower} they are fake. */
    public static final String DEVICE_PREFIX = "/dev/pvc-resizer-bench/";

    private final String driver;
    private final Path kubeletRoot;
    private final VolumeLocator others;

    public MountedVolumeLocator(String driver, MountTable mountTable, LoopDevices loopDevices, BlockDevices blockDevices,
                                Path kubeletRoot, Path imageDir) {
        this.driver = Objects.requireNonNull(driver, "driver");
        this.kubeletRoot = kubeletRoot.toAbsolutePath().normalize();
        this.others = new KubeletVolumeLocator(mountTable, loopDevices, blockDevices, kubeletRoot, imageDir);
    }

    @Override
    public boolean podKnownHere(FilesystemExpansionRequested request) {
        return driver.equals(request.driver()) || others.podKnownHere(request);
    }

    @Override
    public Optional<LocatedVolume> locate(FilesystemExpansionRequested request) {
        if (!driver.equals(request.driver())) {
            return others.locate(request);
        }
        String pv = request.volume().pvName();
        Path mountPoint = kubeletRoot.resolve("pods").resolve(request.podUid()).resolve("volumes")
                .resolve("kubernetes.io~csi").resolve(pv).resolve("mount");
        return Optional.of(new LocatedVolume(VolumeMode.Filesystem, DEVICE_PREFIX + pv,
                request.fsType() == null || request.fsType().isBlank() ? "xfs" : request.fsType(), mountPoint, false));
    }
}
