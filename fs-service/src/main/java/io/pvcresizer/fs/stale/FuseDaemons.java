package io.pvcresizer.fs.stale;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the daemon behind a FUSE mount: the process that has the mount point among its arguments, as FUSE daemons
 * do ({@code ceph-fuse -c <conf> -r <path> <mount point>}). The mount table does not keep that command line, so it is
 * read from the proc filesystem while the daemon still runs.
 */
public class FuseDaemons {

    /** Programs that name a mount point without serving it: our own probes and mount tools. */
    private static final Set<String> NOT_DAEMONS = Set.of("stat", "env", "umount", "mount", "fusermount", "fusermount3",
            "setsid", "systemd-run", "timeout", "nsenter", "df", "ls", "findmnt");

    private final ProcessTable processes;

    public FuseDaemons(ProcessTable processes) {
        this.processes = Objects.requireNonNull(processes, "processes");
    }

    /**
     * The daemon of each mount point, where one runs. A process whose program is named after the mount's FUSE subtype
     * ({@code ceph-fuse} for {@code fuse.ceph-fuse}) is preferred to any other process naming the mount point.
     *
     * @param fsTypes the filesystem type of each mount point to look up
     * @return the daemons found, by mount point; mount points whose daemon was not found are missing
     */
    public Map<Path, DaemonCommandLine> find(Map<Path, String> fsTypes) {
        Map<Path, DaemonCommandLine> found = new HashMap<>();
        if (fsTypes.isEmpty()) {
            return found;
        }
        for (ProcessTable.RunningProcess process : processes.processes()) {
            DaemonCommandLine candidate = new DaemonCommandLine(process.pid(), process.argv());
            if (NOT_DAEMONS.contains(candidate.programName())) {
                continue;
            }
            for (String arg : process.argv().subList(1, process.argv().size())) {
                Optional<Path> named = absolutePath(arg);
                if (named.isEmpty() || !fsTypes.containsKey(named.get())) {
                    continue;
                }
                Path mountPoint = named.get();
                DaemonCommandLine earlier = found.get(mountPoint);
                if (earlier == null || (!namedAfter(earlier, fsTypes.get(mountPoint))
                        && namedAfter(candidate, fsTypes.get(mountPoint)))) {
                    found.put(mountPoint, candidate);
                }
            }
        }
        return found;
    }

    /** Whether the daemon's program is the one the FUSE subtype names ({@code fuse.sshfs}: {@code sshfs}). */
    private static boolean namedAfter(DaemonCommandLine daemon, String fsType) {
        String subtype = fsType != null && fsType.startsWith("fuse.") ? fsType.substring("fuse.".length()) : "";
        return !subtype.isEmpty() && subtype.equals(daemon.programName());
    }

    private static Optional<Path> absolutePath(String arg) {
        if (!arg.startsWith("/")) {
            return Optional.empty();
        }
        try {
            return Optional.of(Path.of(arg).normalize());
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
    }
}
