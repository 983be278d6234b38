package io.pvcresizer.fs.testing;

import io.pvcresizer.common.events.EventHeader;
import io.pvcresizer.common.events.FilesystemExpansionRequested;
import io.pvcresizer.common.events.VolumeMode;
import io.pvcresizer.common.events.VolumeRef;
import java.util.UUID;

/** Builds filesystem expansion requests for tests: {@code TestRequests.forNode("node-a").pv("pv-a").xfs().target(640 MiB)}. */
public final class TestRequests {

    public static final long MIB = 1024L * 1024L;

    private String nodeName;
    private String pvName = "pv-data-0";
    private String podUid = "6f1c2a7e-0d5b-4a51-9a3e-3b8f7f0e9c11";
    private String driver = "rbd.csi.ceph.com";
    private String volumeHandle = "0001-0009-rook-ceph-0000000000000001-8a6f";
    private String fsType = "xfs";
    private VolumeMode mode = VolumeMode.Filesystem;
    private long targetBytes = 640 * MIB;
    private String operationId = UUID.randomUUID().toString();
    private io.pvcresizer.common.events.CsiVolume csi;

    private TestRequests(String nodeName) {
        this.nodeName = nodeName;
    }

    public static TestRequests forNode(String nodeName) {
        return new TestRequests(nodeName);
    }

    public TestRequests pv(String pvName) {
        this.pvName = pvName;
        return this;
    }

    public TestRequests podUid(String podUid) {
        this.podUid = podUid;
        return this;
    }

    public TestRequests fsType(String fsType) {
        this.fsType = fsType;
        return this;
    }

    public TestRequests block() {
        this.mode = VolumeMode.Block;
        this.fsType = "";
        return this;
    }

    public TestRequests localFile(String volumeHandle) {
        this.driver = "file.pvc-resizer.io";
        this.volumeHandle = volumeHandle;
        return this;
    }

    public TestRequests volumeHandle(String volumeHandle) {
        this.volumeHandle = volumeHandle;
        return this;
    }

    /** A volume of the CSI driver {@code driver}, with the CSI details a watcher sends for it. */
    public TestRequests csi(String driver, String volumeHandle) {
        this.driver = driver;
        this.volumeHandle = volumeHandle;
        this.csi = new io.pvcresizer.common.events.CsiVolume(java.util.List.of("ReadWriteOnce"), fsType, java.util.List.of(), null);
        return this;
    }

    public TestRequests target(long targetBytes) {
        this.targetBytes = targetBytes;
        return this;
    }

    public TestRequests operationId(String operationId) {
        this.operationId = operationId;
        return this;
    }

    public FilesystemExpansionRequested build() {
        VolumeRef volume = new VolumeRef("shop", "data-" + pvName, UUID.randomUUID().toString(), pvName);
        return new FilesystemExpansionRequested(EventHeader.next(operationId, volume), nodeName, podUid, "db-0", driver,
                volumeHandle, fsType, mode, targetBytes, csi);
    }
}
