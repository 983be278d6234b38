package io.pvcresizer.fs.mount;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A PV mounted for a pod by kubelet: a mount at {@code <kubelet-root>/pods/<podUid>/volumes/kubernetes.io~csi/<pv>/mount}.
 *
 * @param podUid the pod the mount is for
 * @param pvName the PersistentVolume mounted
 * @param mount  the mount-table entry
 */
public record PodVolumeMount(String podUid, String pvName, MountEntry mount) {

    private static final String CSI_PLUGIN = "kubernetes.io~csi";

    public PodVolumeMount {
        Objects.requireNonNull(podUid, "podUid");
        Objects.requireNonNull(pvName, "pvName");
        Objects.requireNonNull(mount, "mount");
    }

    /** Where it is mounted. */
    public Path mountPoint() {
        return mount.mountPoint();
    }

    /** The entry as a pod's CSI volume mount under the kubelet root, or empty when it is some other mount. */
    public static Optional<PodVolumeMount> of(Path kubeletRoot, MountEntry entry) {
        Path root = kubeletRoot.toAbsolutePath().normalize();
        Path point = entry.mountPoint().normalize();
        if (!point.startsWith(root)) {
            return Optional.empty();
        }
        Path relative = root.relativize(point);
        if (relative.getNameCount() != 6
                || !relative.getName(0).toString().equals("pods")
                || !relative.getName(2).toString().equals("volumes")
                || !relative.getName(3).toString().equals(CSI_PLUGIN)
                || !relative.getName(5).toString().equals("mount")) {
            return Optional.empty();
        }
        return Optional.of(new PodVolumeMount(relative.getName(1).toString(), relative.getName(4).toString(), entry));
    }

    /**
     * One pod mount per PV among the mounts, in mount-table order: a PV that several pods mount is the same filesystem,
     * so the first of its mounts stands for all.
     */
    public static List<PodVolumeMount> onePerVolume(Path kubeletRoot, List<MountEntry> mounts) {
        Set<String> seen = new HashSet<>();
        List<PodVolumeMount> found = new ArrayList<>();
        for (MountEntry entry : mounts) {
            of(kubeletRoot, entry).filter(mount -> seen.add(mount.pvName())).ifPresent(found::add);
        }
        return found;
    }
}
