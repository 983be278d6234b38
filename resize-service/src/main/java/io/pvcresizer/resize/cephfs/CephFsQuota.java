package io.pvcresizer.resize.cephfs;

/** Reads and raises the size limit of one CephFS volume; the two ways CephFS volumes are sized implement it. */
public interface CephFsQuota {

    /** The current size limit in bytes (0 when there is none). */
    long current();

    /** Sets the size limit to {@code bytes}. */
    void raiseTo(long bytes);
}
