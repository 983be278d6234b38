package io.pvcresizer.common.events;

/** The outcome of growing a filesystem on a node, as published by fs-service. */
public sealed interface NodeResult extends ResizeEvent permits FilesystemExpanded, FilesystemExpansionFailed {

    /** The node that did (or failed) the work. */
    String nodeName();

    /** The size in bytes the filesystem was asked to reach. */
    long targetBytes();
}
