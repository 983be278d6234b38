package io.pvcresizer.resize.expansion;

import io.pvcresizer.common.events.VolumeExpansionRequested;

/**
 * Grows a volume in one storage backend (RBD, CephFS, LVM, local files, ...), the controller-side step of a resize.
 *
 * <p>Implementations are idempotent: the target is an absolute size, they grow only when the volume is smaller and
 * never shrink it, so a redelivered request does no harm. They report failures as
 * {@link io.pvcresizer.common.failure.ResizeException}s whose kind decides whether the request is retried, and they do
 * not log: the caller does.
 */
public interface VolumeExpander {

    /** The backend name that {@code pvc-resizer.resize.drivers} maps drivers to, e.g. {@code local-file}. */
    String backend();

    /**
     * Grows the volume to at least {@code request.targetBytes()}.
     *
     * @return the size the backend now reports and whether a filesystem on a node must still be grown
     * @throws io.pvcresizer.common.failure.ResizeException when the volume could not be grown
     */
    ExpansionResult expand(VolumeExpansionRequested request);
}
