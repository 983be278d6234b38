package io.pvcresizer.common.kubernetes;

import java.util.Set;

/**
 * The condition types, reasons, messages, status values and annotations Kubernetes itself uses for volume expansion,
 * so that kubectl users, dashboards and operators read pvc-resizer's work as they read the built-in resizer's.
 */
public final class ResizeConditions {

    // PVC condition types (status.conditions[].type)
    public static final String RESIZING = "Resizing";
    public static final String FILE_SYSTEM_RESIZE_PENDING = "FileSystemResizePending";
    public static final String CONTROLLER_RESIZE_ERROR = "ControllerResizeError";
    public static final String NODE_RESIZE_ERROR = "NodeResizeError";

    /** The only condition types a resizer replaces; every other condition is left as it is. */
    public static final Set<String> RESIZE_CONDITION_TYPES =
            Set.of(RESIZING, FILE_SYSTEM_RESIZE_PENDING, CONTROLLER_RESIZE_ERROR, NODE_RESIZE_ERROR);

    // status.allocatedResourceStatuses["storage"]: the only five values the API server accepts (Kubernetes 1.31+).
    // A final (non-infeasible) failure keeps the in-progress / pending value and adds an *Error condition.
    public static final String CONTROLLER_RESIZE_IN_PROGRESS = "ControllerResizeInProgress";
    public static final String CONTROLLER_RESIZE_INFEASIBLE = "ControllerResizeInfeasible";
    public static final String NODE_RESIZE_PENDING = "NodeResizePending";
    public static final String NODE_RESIZE_IN_PROGRESS = "NodeResizeInProgress";
    public static final String NODE_RESIZE_INFEASIBLE = "NodeResizeInfeasible";

    /** The resource key of storage in requests, capacity and allocatedResources. */
    public static final String STORAGE = "storage";

    // Event reasons
    public static final String EVENT_RESIZING = "Resizing";
    public static final String EVENT_EXTERNAL_EXPANDING = "ExternalExpanding";
    public static final String EVENT_VOLUME_RESIZE_FAILED = "VolumeResizeFailed";
    public static final String EVENT_VOLUME_RESIZE_SUCCESSFUL = "VolumeResizeSuccessful";
    public static final String EVENT_FILE_SYSTEM_RESIZE_REQUIRED = "FileSystemResizeRequired";
    public static final String EVENT_FILE_SYSTEM_RESIZE_SUCCESSFUL = "FileSystemResizeSuccessful";
    public static final String EVENT_FILE_SYSTEM_RESIZE_FAILED = "FileSystemResizeFailed";
    /** pvc-resizer's own: a node agent found the volume's FUSE mount stale (its daemon gone) or hung. */
    public static final String EVENT_VOLUME_MOUNT_STALE = "VolumeMountStale";

    // Messages Kubernetes writes
    public static final String MESSAGE_FILE_SYSTEM_RESIZE_PENDING =
            "Waiting for user to (re-)start a pod to finish file system resize of volume on node.";

    // Annotations
    /** Set on a PV while it is grown; holds the capacity before the resize. */
    public static final String ANNOTATION_PRE_RESIZE_CAPACITY = "volume.alpha.kubernetes.io/pre-resize-capacity";
    /** Set by kube-controller-manager on a PVC it hands to an external resizer; the value is the driver. */
    public static final String ANNOTATION_STORAGE_RESIZER = "volume.kubernetes.io/storage-resizer";

    // The reasons of conditions and failures are in the one catalogue, io.pvcresizer.common.failure.Reason.

    private ResizeConditions() {
    }
}
