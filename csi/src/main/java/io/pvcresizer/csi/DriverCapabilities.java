package io.pvcresizer.csi;

import io.pvcresizer.csi.v1.ControllerServiceCapability;
import io.pvcresizer.csi.v1.GetPluginInfoResponse;
import io.pvcresizer.csi.v1.NodeServiceCapability;
import io.pvcresizer.csi.v1.PluginCapability;
import java.util.ArrayList;
import java.util.List;

/**
 * What a CSI driver says it can do about expansion, read once at start from its identity and capability calls.
 *
 * @param name                  the driver name from {@code GetPluginInfo}
 * @param vendorVersion         the driver's version
 * @param expansion             the plugin's {@code VolumeExpansion} capability: ONLINE, OFFLINE or UNKNOWN (none)
 * @param controllerExpand      the controller service advertises {@code EXPAND_VOLUME}
 * @param singleNodeMultiWriter the controller service advertises {@code SINGLE_NODE_MULTI_WRITER} (changes the access
 *                              mode sent for ReadWriteOnce volumes, as external-resizer does)
 */
public record DriverCapabilities(String name, String vendorVersion, PluginCapability.VolumeExpansion.Type expansion,
        boolean controllerExpand, boolean singleNodeMultiWriter) {

    /** Reads the controller-side capabilities of {@code driver}; throws the driver's gRPC status on failure. */
    public static DriverCapabilities discoverController(CsiDriverPort driver) {
        GetPluginInfoResponse info = driver.pluginInfo();
        PluginCapability.VolumeExpansion.Type expansion = PluginCapability.VolumeExpansion.Type.UNKNOWN;
        for (PluginCapability capability : driver.pluginCapabilities().getCapabilitiesList()) {
            if (capability.hasVolumeExpansion()) {
                expansion = capability.getVolumeExpansion().getType();
            }
        }
        boolean expand = false;
        boolean singleNodeMultiWriter = false;
        for (ControllerServiceCapability capability : driver.controllerCapabilities().getCapabilitiesList()) {
            ControllerServiceCapability.RPC.Type type = capability.getRpc().getType();
            expand |= type == ControllerServiceCapability.RPC.Type.EXPAND_VOLUME;
            singleNodeMultiWriter |= type == ControllerServiceCapability.RPC.Type.SINGLE_NODE_MULTI_WRITER;
        }
        return new DriverCapabilities(info.getName(), info.getVendorVersion(), expansion, expand, singleNodeMultiWriter);
    }

    /** Whether the node plugin of {@code driver} advertises {@code EXPAND_VOLUME} (it grows the filesystem itself). */
    public static boolean nodeExpands(CsiDriverPort driver) {
        return driver.nodeCapabilities().getCapabilitiesList().stream()
                .anyMatch(c -> c.getRpc().getType() == NodeServiceCapability.RPC.Type.EXPAND_VOLUME);
    }

    /** Whether the driver may be asked while a pod uses the volume. */
    public boolean online() {
        return expansion == PluginCapability.VolumeExpansion.Type.ONLINE;
    }

    /**
     * What is missing for controller expansion through this driver, empty when nothing is.
     *
     * @param expectedName the driver name pvc-resizer is configured for
     */
    public List<String> missingForControllerExpansion(String expectedName) {
        List<String> missing = new ArrayList<>();
        if (!name.equals(expectedName)) {
            missing.add("driver name: the socket serves \"" + name + "\", configured \"" + expectedName + "\"");
        }
        if (expansion == PluginCapability.VolumeExpansion.Type.UNKNOWN
                || expansion == PluginCapability.VolumeExpansion.Type.UNRECOGNIZED) {
            missing.add("plugin capability VolumeExpansion (ONLINE or OFFLINE)");
        }
        if (!controllerExpand) {
            missing.add("controller capability EXPAND_VOLUME");
        }
        return missing;
    }
}
