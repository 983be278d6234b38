package io.pvcresizer.fs.mount;

import java.util.List;

/** The mounts this node has now; the port behind which the kernel's mount table is read. */
@FunctionalInterface
public interface MountTable {

    /**
     * The current mounts, in kernel order.
     *
     * @throws io.pvcresizer.common.failure.ResizeException (transient) when the table cannot be read
     */
    List<MountEntry> mounts();
}
