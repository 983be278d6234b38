package io.pvcresizer.fs.stale;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which recorded FUSE daemon command lines the privileged node agent may run again: only a program from an allow-list
 * of absolute host paths, that really is that file (no symbolic link elsewhere), owned by root and writable by nobody
 * else, and never one under the kubelet's directory (where a pod's volume could put a binary of its own).
 */
public final class TrustedDaemons {

    private final List<Path> allowed;
    private final Path kubeletRoot;

    public TrustedDaemons(List<Path> allowed, Path kubeletRoot) {
        this.allowed = List.copyOf(allowed);
        this.kubeletRoot = kubeletRoot.toAbsolutePath().normalize();
    }

    /**
     * The command line as it is run again: a program named without a path ({@code ceph-fuse}, as kubelet and ceph-csi
     * start it) is the allow-listed program of that name, never a lookup in any {@code PATH}.
     */
    public DaemonCommandLine resolved(DaemonCommandLine daemon) {
        Path program = Path.of(daemon.argv().get(0));
        if (program.isAbsolute() || program.getNameCount() != 1) {
            return daemon;
        }
        List<Path> named = allowed.stream().filter(p -> program.equals(p.getFileName())).toList();
        if (named.size() != 1) {
            return daemon;
        }
        java.util.List<String> argv = new java.util.ArrayList<>(daemon.argv());
        argv.set(0, named.get(0).toString());
        return new DaemonCommandLine(daemon.pid(), argv);
    }

    /** Why {@code daemon} (as {@link #resolved}) may not be run again, or empty when it may. */
    public Optional<String> refusal(DaemonCommandLine daemon) {
        Path program = Path.of(resolved(daemon).argv().get(0));
        if (!program.isAbsolute()) {
            return Optional.of("its program " + program + " is not an absolute path nor the name of an allowed daemon");
        }
        Path normalized = program.normalize();
        if (normalized.startsWith(kubeletRoot)) {
            return Optional.of("its program " + program + " lies under the kubelet's directory " + kubeletRoot);
        }
        if (!allowed.contains(normalized)) {
            return Optional.of("its program " + program + " is not one of the daemons allowed to be run again "
                    + allowed + " (pvc-resizer.fs.stale-mounts.daemon-binaries)");
        }
        try {
            Path real = normalized.toRealPath();
            if (!real.equals(normalized) || real.startsWith(kubeletRoot)) {
                return Optional.of("its program " + program + " is a link to " + real);
            }
            Integer owner = (Integer) Files.getAttribute(real, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            if (owner == null || owner != 0) {
                return Optional.of("its program " + real + " is not owned by root (uid " + owner + ")");
            }
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(real, LinkOption.NOFOLLOW_LINKS);
            if (permissions.contains(PosixFilePermission.GROUP_WRITE) || permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
                return Optional.of("its program " + real + " is writable by others than root");
            }
            return Optional.empty();
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.of("its program " + program + " cannot be checked: " + e.getMessage());
        }
    }
}
