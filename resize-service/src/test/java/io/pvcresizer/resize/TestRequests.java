package io.pvcresizer.resize;

import io.pvcresizer.common.drivers.BuiltInDrivers;
import io.pvcresizer.common.events.EventHeader;
import io.pvcresizer.common.events.VolumeExpansionRequested;
import io.pvcresizer.common.events.VolumeMode;
import io.pvcresizer.common.events.VolumeRef;
import io.pvcresizer.common.quantity.StorageQuantities;
import java.util.Map;
import java.util.UUID;

/**
 * Builds volume expansion requests for tests, e.g.
 * {@code TestRequests.forVolume("pv-data-0").withHandle("img-0").from("320Mi").to("640Mi").build()}.
 */
public final class TestRequests {

    private final String pvName;
    private String operationId = "op-" + UUID.randomUUID();
    private String driver = BuiltInDrivers.LOCAL_FILE;
    private String volumeHandle;
    private VolumeMode volumeMode = VolumeMode.Filesystem;
    private String currentQuantity = "1Gi";
    private String targetQuantity = "2Gi";
    private long targetBytes = -1;
    private Map<String, String> attributes = Map.of();

    private TestRequests(String pvName) {
        this.pvName = pvName;
        this.volumeHandle = pvName;
    }

    /** A request for the PV of that name, whose claim is {@code default/claim-<pv>} and whose handle is the PV name. */
    public static TestRequests forVolume(String pvName) {
        return new TestRequests(pvName);
    }

    public TestRequests withDriver(String driver) {
        this.driver = driver;
        return this;
    }

    public TestRequests withHandle(String volumeHandle) {
        this.volumeHandle = volumeHandle;
        return this;
    }

    /** The PV's CSI volume attributes (ceph-csi's {@code clusterID}, {@code pool}, {@code imageName}, …). */
    public TestRequests withAttributes(Map<String, String> attributes) {
        this.attributes = Map.copyOf(attributes);
        return this;
    }

    public TestRequests inBlockMode() {
        this.volumeMode = VolumeMode.Block;
        return this;
    }

    public TestRequests withOperationId(String operationId) {
        this.operationId = operationId;
        return this;
    }

    public TestRequests from(String quantity) {
        this.currentQuantity = quantity;
        return this;
    }

    public TestRequests to(String quantity) {
        this.targetQuantity = quantity;
        this.targetBytes = -1;
        return this;
    }

    /** A target of an exact byte count, e.g. one that is not a whole MiB. */
    public TestRequests toBytes(long bytes) {
        this.targetQuantity = Long.toString(bytes);
        this.targetBytes = bytes;
        return this;
    }

    public VolumeExpansionRequested build() {
        VolumeRef volume = new VolumeRef("default", "claim-" + pvName, UUID.randomUUID().toString(), pvName);
        long target = targetBytes >= 0 ? targetBytes : StorageQuantities.toBytes(targetQuantity);
        return new VolumeExpansionRequested(EventHeader.next(operationId, volume), driver, volumeHandle, attributes,
                volumeMode, StorageQuantities.toBytes(currentQuantity), target, targetQuantity);
    }
}
