package io.pvcresizer.common.events;

/** The outcome of growing a volume in its storage backend, as published by resize-service. */
public sealed interface VolumeResult extends ResizeEvent permits VolumeExpanded, VolumeExpansionFailed {

    /** The size in bytes the backend was asked for. */
    long targetBytes();
}
