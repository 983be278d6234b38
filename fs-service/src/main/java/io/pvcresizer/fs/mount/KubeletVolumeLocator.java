package io.pvcresizer.fs.mount;

import io.pvcresizer.common.drivers.BuiltInDrivers;
import io.pvcresizer.common.events.FilesystemExpansionRequested;
import io.pvcresizer.common.failure.Reason;
import io.pvcresizer.common.failure.ResizeException;
import io.pvcresizer.fs.device.BlockDevices;
import io.pvcresizer.fs.device.LoopDevices;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Finds the volume of a filesystem expansion request on this node: first among kubelet's CSI mounts (the pod's own
 * mount, another pod's mount of the same PV, or the CSI global mount), then, for the local-file driver, as the loop
 * device behind its image file.
 *
 * <p>Among several mounts of the volume a writable one is preferred, and among those the pod's own mount, then other
 * pod mounts, then global mounts: a pod that mounts the volume read-only must not stop the growth through a writable
 * mount of the same filesystem.
 */
public class KubeletVolumeLocator implements VolumeLocator {

    /** The local-file driver's volume handles: a plain file name, never a path. */
    private static final Pattern LOCAL_FILE_HANDLE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,252}");
    /** PV names are DNS subdomains. */
    private static final Pattern PV_NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");
    /** Pod uids are UUIDs; stay lenient on their form but never allow a path separator or dots. */
    private static final Pattern POD_UID = Pattern.compile("[A-Za-z0-9-]{1,64}");

    private static final String CSI_PLUGIN = "kubernetes.io~csi";
    private static final String RBD_PLUGIN = "kubernetes.io~rbd";
    private static final Comparator<Candidate> PREFERENCE = Comparator
            .comparing((Candidate c) -> c.mount().readOnly())
            .thenComparingInt(Candidate::rank);

    private final MountTable mountTable;
    private final LoopDevices loopDevices;
    private final BlockDevices blockDevices;
    private final Path kubeletRoot;
    private final Path imageDir;

    public KubeletVolumeLocator(MountTable mountTable, LoopDevices loopDevices, BlockDevices blockDevices, Path kubeletRoot,
            Path imageDir) {
        this.mountTable = Objects.requireNonNull(mountTable, "mountTable");
        this.loopDevices = Objects.requireNonNull(loopDevices, "loopDevices");
        this.blockDevices = Objects.requireNonNull(blockDevices, "blockDevices");
        this.kubeletRoot = kubeletRoot.toAbsolutePath().normalize();
        this.imageDir = imageDir.toAbsolutePath().normalize();
    }

    @Override
    public Optional<LocatedVolume> locate(FilesystemExpansionRequested request) {
        String pvName = request.volume().pvName();
        if (!PV_NAME.matcher(pvName).matches()) {
            throw new ResizeException(Reason.INVALID_VOLUME_REFERENCE, "PV name \"" + pvName + "\" is not a DNS subdomain");
        }
        String podUid = blankToNull(request.podUid());
        if (podUid != null && !POD_UID.matcher(podUid).matches()) {
            throw new ResizeException(Reason.INVALID_VOLUME_REFERENCE, "pod uid \"" + podUid + "\" is not a uid");
        }
        String handleSha = sha256(request.volumeHandle());
        List<MountEntry> mounts = mountTable.mounts();
        Optional<MountEntry> kubeletMount = mounts.stream()
                .map(mount -> new Candidate(mount, rank(mount.mountPoint(), pvName, podUid, handleSha)))
                .filter(candidate -> candidate.rank() >= 0)
                .min(PREFERENCE)
                .map(Candidate::mount);
        if (kubeletMount.isPresent()) {
            return kubeletMount.map(LocatedVolume::mounted);
        }
        if (BuiltInDrivers.LOCAL_FILE.equals(request.driver())) {
            return locateLocalFile(request, mounts);
        }
        return Optional.empty();
    }

    /** Whether kubelet has the pod's directory under the kubelet root (made before any of its volumes is mounted). */
    @Override
    public boolean podKnownHere(FilesystemExpansionRequested request) {
        String podUid = blankToNull(request.podUid());
        if (podUid == null) {
            return true;
        }
        if (!POD_UID.matcher(podUid).matches()) {
            return false;
        }
        return Files.isDirectory(kubeletRoot.resolve("pods").resolve(podUid));
    }

    private Optional<LocatedVolume> locateLocalFile(FilesystemExpansionRequested request, List<MountEntry> mounts) {
        Path image = localImage(request.volumeHandle());
        if (!Files.isRegularFile(image)) {
            return Optional.empty();
        }
        Optional<String> device = loopDevices.deviceBackedBy(image);
        if (device.isEmpty()) {
            return Optional.empty();
        }
        Optional<MountEntry> mountedElsewhere = mounts.stream()
                .filter(mount -> device.get().equals(mount.source()))
                .min(Comparator.comparing(MountEntry::readOnly));
        if (mountedElsewhere.isPresent()) {
            return mountedElsewhere.map(LocatedVolume::mounted);
        }
        String fsType = blockDevices.filesystemType(device.get()).orElse(request.fsType());
        return Optional.of(LocatedVolume.unmounted(device.get(), fsType));
    }

    /** The image file of a local-file volume, refusing handles that are not a plain file name inside the image directory. */
    Path localImage(String volumeHandle) {
        if (volumeHandle == null || !LOCAL_FILE_HANDLE.matcher(volumeHandle).matches()) {
            throw new ResizeException(Reason.INVALID_VOLUME_REFERENCE,
                    "volume handle \"" + volumeHandle + "\" of driver " + BuiltInDrivers.LOCAL_FILE
                            + " is not a plain file name");
        }
        Path image = imageDir.resolve(volumeHandle).normalize();
        if (!imageDir.equals(image.getParent())) {
            throw new ResizeException(Reason.INVALID_VOLUME_REFERENCE,
                    "volume handle \"" + volumeHandle + "\" leaves the image directory " + imageDir);
        }
        return image;
    }

    /**
     * How well a mount point matches the request's volume: 0 the pod's own mount, 1 another pod's mount of the PV,
     * 2 a CSI global mount, -1 not the volume.
     */
    private int rank(Path mountPoint, String pvName, String podUid, String handleSha) {
        Path point = mountPoint.normalize();
        if (!point.startsWith(kubeletRoot)) {
            return -1;
        }
        // CSI volumes mount at .../kubernetes.io~csi/<pv>/mount; the in-tree RBD plugin at .../kubernetes.io~rbd/<pv>.
        for (Path podVolumeSuffix : List.of(Path.of("volumes", CSI_PLUGIN, pvName, "mount"), Path.of("volumes", RBD_PLUGIN, pvName))) {
            if (podUid != null && point.equals(kubeletRoot.resolve("pods").resolve(podUid).resolve(podVolumeSuffix))) {
                return 0;
            }
            if (point.startsWith(kubeletRoot.resolve("pods")) && point.endsWith(podVolumeSuffix)) {
                return 1;
            }
        }
        Path csiPlugins = kubeletRoot.resolve(Path.of("plugins", "kubernetes.io", "csi"));
        if (point.startsWith(csiPlugins) && point.getNameCount() >= 2
                && "globalmount".equals(point.getFileName().toString())) {
            String parent = point.getParent().getFileName().toString();
            if (parent.equals(pvName) || parent.equals(handleSha)) {
                return 2;
            }
        }
        return -1;
    }

    /** kubelet names a CSI global mount after the sha256 of the volume handle (older kubelets used {@code pv/<pvName>}). */
    private static String sha256(String volumeHandle) {
        if (volumeHandle == null || volumeHandle.isEmpty()) {
            return "";
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(volumeHandle.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private record Candidate(MountEntry mount, int rank) {
    }
}
