package io.pvcresizer.common.drivers;

import java.util.Map;

/** The CSI drivers pvc-resizer serves out of the box and the backend each one is grown by. */
public final class BuiltInDrivers {

    /** pvc-resizer's own file-backed local volumes (sparse images behind loop devices). */
    public static final String LOCAL_FILE = "file.pvc-resizer.io";
    /** ceph-csi's RBD driver. */
    public static final String RBD = "rbd.csi.ceph.com";
    /** ceph-csi's CephFS driver. */
    public static final String CEPHFS = "cephfs.csi.ceph.com";

    /** Backend names, as resize-service's {@code pvc-resizer.resize.drivers} values. */
    public static final String LOCAL_FILE_BACKEND = "local-file";
    public static final String RBD_BACKEND = "rbd";
    public static final String CEPHFS_BACKEND = "cephfs";

    /** Each built-in driver → the backend that grows its volumes. */
    public static final Map<String, String> BACKENDS = Map.of(
            LOCAL_FILE, LOCAL_FILE_BACKEND,
            RBD, RBD_BACKEND,
            CEPHFS, CEPHFS_BACKEND);

    private BuiltInDrivers() {
    }
}
