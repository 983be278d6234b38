package io.pvcresizer.fs.csi;

import org.springframework.boot.context.properties.bind.DefaultValue;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Settings of the CSI node step ({@code pvc-resizer.fs.csi.*}): the drivers whose node plugin is asked to grow the
 * volume on this node ({@code NodeExpandVolume}) instead of pvc-resizer's own tools, where their sockets are, and
 * how long a call may take.
 *
 * @param drivers   driver names; their node plugin is used when it advertises {@code EXPAND_VOLUME}
 * @param sockets   driver → node plugin socket, where it is not {@code <kubelet-root>/plugins/<driver>/csi.sock}
 * @param timeout   the deadline of each call (kubelet allows two minutes for a volume operation)
 */
public record CsiNodeSettings(@DefaultValue List<String> drivers, @DefaultValue Map<String, Path> sockets,
                              @DefaultValue("2m") Duration timeout) {

    public CsiNodeSettings {
        drivers = List.copyOf(drivers);
        sockets = Map.copyOf(sockets);
    }

    /** The node plugin socket of {@code driver}, as kubelet's plugin registration places it by default. */
    public Path socketOf(String driver, Path kubeletRoot) {
        Path configured = sockets.get(driver);
        return configured != null ? configured : kubeletRoot.resolve("plugins").resolve(driver).resolve("csi.sock");
    }
}
