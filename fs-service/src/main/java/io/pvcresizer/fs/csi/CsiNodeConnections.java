package io.pvcresizer.fs.csi;

import io.pvcresizer.csi.CsiConnection;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Opens one connection to each configured CSI node plugin's socket and closes them together. */
public class CsiNodeConnections implements AutoCloseable {

    private final List<CsiConnection> connections = new ArrayList<>();
    private final CsiNodePlugins plugins;

    public CsiNodeConnections(CsiNodeSettings settings, Path kubeletRoot) {
        Map<String, CsiNodeExpander> byDriver = new HashMap<>();
        for (String driver : settings.drivers()) {
            CsiConnection connection = CsiConnection.open(settings.socketOf(driver, kubeletRoot), settings.timeout());
            connections.add(connection);
            byDriver.put(driver, new CsiNodeExpander(driver, connection, kubeletRoot));
        }
        plugins = new CsiNodePlugins(byDriver);
    }

    /** The node plugins by driver. */
    public CsiNodePlugins plugins() {
        return plugins;
    }

    @Override
    public void close() {
        connections.forEach(CsiConnection::close);
    }
}
