package io.pvcresizer.fs.stale;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Reads which PV and pod a mount belongs to from kubelet's path layout under its root directory: a pod's CSI volume
 * at {@code <root>/pods/<pod uid>/volumes/kubernetes.io~csi/<pv>/mount}, an older kubelet's global mount at
 * {@code <root>/plugins/kubernetes.io/csi/pv/<pv>/globalmount}. Newer global mounts are named after a hash of the
 * volume handle and name no PV.
 */
public class KubeletPaths {

    private static final String CSI_PLUGIN = "kubernetes.io~csi";

    private final Path root;

    public KubeletPaths(Path root) {
        this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
    }

    /**
     * The volume a mount point is.
     *
     * @param pvName the PV, or empty
     * @param podUid the pod whose volume it is, or empty
     */
    public record Owner(String pvName, String podUid) {
        static final Owner NONE = new Owner("", "");
    }

    /** Whether the mount point lies under kubelet's root directory. */
    public boolean contains(Path mountPoint) {
        return mountPoint.toAbsolutePath().normalize().startsWith(root);
    }

    /** The PV and pod of a mount point, as far as its path tells them. */
    public Owner ownerOf(Path mountPoint) {
        Path point = mountPoint.toAbsolutePath().normalize();
        if (!point.startsWith(root)) {
            return Owner.NONE;
        }
        Path relative = root.relativize(point);
        int n = relative.getNameCount();
        // pods/<uid>/volumes/kubernetes.io~csi/<pv>/mount
        if (n == 6 && name(relative, 0).equals("pods") && name(relative, 2).equals("volumes")
                && name(relative, 3).equals(CSI_PLUGIN) && name(relative, 5).equals("mount")) {
            return new Owner(name(relative, 4), name(relative, 1));
        }
        // plugins/kubernetes.io/csi/pv/<pv>/globalmount
        if (n == 6 && name(relative, 0).equals("plugins") && name(relative, 1).equals("kubernetes.io")
                && name(relative, 2).equals("csi") && name(relative, 3).equals("pv")
                && name(relative, 5).equals("globalmount")) {
            return new Owner(name(relative, 4), "");
        }
        return Owner.NONE;
    }

    private static String name(Path path, int index) {
        return path.getName(index).toString();
    }
}
