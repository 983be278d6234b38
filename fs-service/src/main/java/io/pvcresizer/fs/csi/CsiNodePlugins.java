package io.pvcresizer.fs.csi;

import java.util.Map;
import java.util.Optional;

/** The CSI node plugins fs-service hands the node step to, by driver name. */
public class CsiNodePlugins {

    /** No CSI node plugin: every node step is done with pvc-resizer's own tools. */
    public static final CsiNodePlugins NONE = new CsiNodePlugins(Map.of());

    private final Map<String, CsiNodeExpander> byDriver;

    public CsiNodePlugins(Map<String, CsiNodeExpander> byDriver) {
        this.byDriver = Map.copyOf(byDriver);
    }

    /** The plugin of {@code driver} when one is configured and it advertises {@code EXPAND_VOLUME}. */
    public Optional<CsiNodeExpander> expanderFor(String driver) {
        CsiNodeExpander expander = driver == null ? null : byDriver.get(driver);
        return expander != null && expander.nodePluginExpands() ? Optional.of(expander) : Optional.empty();
    }
}
