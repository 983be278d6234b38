package io.pvcresizer.common.failure;

import io.pvcresizer.common.events.FailureKind;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every reason pvc-resizer gives for a failed or refused step, each with its {@link FailureKind}: the one catalogue
 * every service throws from, so that one reason always means one thing and is always retried (or not) the same way.
 *
 * <p>The {@link #code() code} is what travels: the {@code reason} of a failure event, the reason of a PVC condition and
 * event, the {@code pvc-resizer-dlt-failure-reason} header. Codes are UpperCamelCase and never change meaning; a new
 * cause gets a new reason.
 */
public enum Reason {

    // The watcher's refusals (condition reason of ControllerResizeError)
    SHRINK_NOT_SUPPORTED("ShrinkNotSupported", FailureKind.INFEASIBLE),
    EXPANSION_NOT_ALLOWED("ExpansionNotAllowed", FailureKind.FINAL),
    CLAIM_NOT_BOUND("ClaimNotBound", FailureKind.FINAL),
    VOLUME_CLAIM_MISMATCH("VolumeClaimMismatch", FailureKind.INFEASIBLE),
    INVALID_SIZE("InvalidSize", FailureKind.INFEASIBLE),
    /** An offline driver refused (CSI {@code FAILED_PRECONDITION}) or would refuse a volume a pod still uses. */
    VOLUME_IN_USE("VolumeInUse", FailureKind.FINAL),
    /** A PV of an in-tree Ceph plugin, which Kubernetes 1.31 removed: refused, naming the migration to ceph-csi. */
    IN_TREE_PLUGIN_REMOVED("InTreePluginRemoved", FailureKind.INFEASIBLE),
    /** The {@code NodeResizeError} reason while the node's agent does not answer the node step. */
    NODE_AGENT_NOT_ANSWERING("NodeAgentNotAnswering", FailureKind.TRANSIENT),
    /** Another resizer is active for the claim's driver; pvc-resizer stands back. */
    EXTERNAL_RESIZER_ACTIVE("ExternalResizerActive", FailureKind.FINAL),
    /** This watcher lost leadership while a result waited; the new leader applies it. */
    NOT_LEADER("NotLeader", FailureKind.TRANSIENT),

    // The Kubernetes API, by HTTP status (see KubernetesApiFailures)
    KUBERNETES_CONFLICT("KubernetesConflict", FailureKind.TRANSIENT),
    KUBERNETES_API_UNAVAILABLE("KubernetesApiUnavailable", FailureKind.TRANSIENT),
    KUBERNETES_API_FORBIDDEN("KubernetesApiForbidden", FailureKind.FINAL),
    KUBERNETES_API_REJECTED("KubernetesApiRejected", FailureKind.FINAL),
    KUBERNETES_OBJECT_GONE("KubernetesObjectGone", FailureKind.FINAL),

    // Kafka and the error handler
    EVENT_NOT_PUBLISHED("EventNotPublished", FailureKind.TRANSIENT),
    /** The last failure of a record given up after its retries carried no reason of its own. */
    RETRIES_EXHAUSTED("RetriesExhausted", FailureKind.TRANSIENT),

    // Size checks shared by resize-service and fs-service
    TARGET_TOO_LARGE("TargetTooLarge", FailureKind.INFEASIBLE),
    INVALID_TARGET_SIZE("InvalidTargetSize", FailureKind.INFEASIBLE),

    // resize-service: choosing and guarding a backend
    NO_BACKEND_FOR_DRIVER("NoBackendForDriver", FailureKind.INFEASIBLE),
    BACKEND_BUSY("BackendBusy", FailureKind.TRANSIENT),
    SIZE_BELOW_TARGET("SizeBelowTarget", FailureKind.FINAL),
    RESIZE_NOT_VISIBLE("ResizeNotVisible", FailureKind.TRANSIENT),

    // resize-service: the volume as the backend sees it
    /** The backend has no such volume (RBD image, CephFS directory or subvolume, image file). */
    VOLUME_NOT_FOUND("VolumeNotFound", FailureKind.INFEASIBLE),
    INVALID_VOLUME_HANDLE("InvalidVolumeHandle", FailureKind.INFEASIBLE),
    MISSING_VOLUME_ATTRIBUTE("MissingVolumeAttribute", FailureKind.INFEASIBLE),
    INVALID_VOLUME_PATH("InvalidVolumePath", FailureKind.INFEASIBLE),
    STATIC_VOLUME_NOT_A_SUBVOLUME("StaticVolumeNotASubvolume", FailureKind.INFEASIBLE),
    FILE_TOO_LARGE("FileTooLarge", FailureKind.INFEASIBLE),
    BACKEND_IO_ERROR("BackendIoError", FailureKind.TRANSIENT),

    // resize-service: Ceph
    INVALID_CEPH_NAME("InvalidCephName", FailureKind.INFEASIBLE),
    QUOTA_BELOW_USED_BYTES("QuotaBelowUsedBytes", FailureKind.INFEASIBLE),
    NOT_SERVED("NotServed", FailureKind.INFEASIBLE),
    UNKNOWN_CEPH_CLUSTER("UnknownCephCluster", FailureKind.FINAL),
    CEPH_PERMISSION_DENIED("CephPermissionDenied", FailureKind.FINAL),
    CEPH_COMMAND_FAILED("CephCommandFailed", FailureKind.FINAL),
    CEPH_TOOL_MISSING("CephToolMissing", FailureKind.FINAL),
    UNEXPECTED_CEPH_OUTPUT("UnexpectedCephOutput", FailureKind.FINAL),
    UNEXPECTED_RBD_OUTPUT("UnexpectedRbdOutput", FailureKind.FINAL),
    NO_ADMIN_MOUNT("NoAdminMount", FailureKind.FINAL),
    CEPH_UNAVAILABLE("CephUnavailable", FailureKind.TRANSIENT),
    CEPH_TIMEOUT("CephTimeout", FailureKind.TRANSIENT),
    CEPH_CIRCUIT_OPEN("CephCircuitOpen", FailureKind.TRANSIENT),
    CEPH_FS_ADMIN_MOUNT_FAILED("CephFsAdminMountFailed", FailureKind.TRANSIENT),

    // CSI drivers: their own refusals, then one reason per gRPC status code (see CsiErrors)
    NOT_A_CSI_VOLUME("NotACsiVolume", FailureKind.INFEASIBLE),
    UNSUPPORTED_ACCESS_MODES("UnsupportedAccessModes", FailureKind.INFEASIBLE),
    DRIVER_CANNOT_EXPAND("DriverCannotExpand", FailureKind.FINAL),
    SECRET_NOT_READABLE("SecretNotReadable", FailureKind.FINAL),
    NODE_EXPAND_SECRET_NOT_SUPPORTED("NodeExpandSecretNotSupported", FailureKind.FINAL),
    VOLUME_NOT_PUBLISHED("VolumeNotPublished", FailureKind.TRANSIENT),
    CSI_INVALID_ARGUMENT("CsiInvalidArgument", FailureKind.INFEASIBLE),
    CSI_OUT_OF_RANGE("CsiOutOfRange", FailureKind.INFEASIBLE),
    CSI_NOT_FOUND("CsiNotFound", FailureKind.INFEASIBLE),
    CSI_DEADLINE_EXCEEDED("CsiDeadlineExceeded", FailureKind.TRANSIENT),
    CSI_ABORTED("CsiAborted", FailureKind.TRANSIENT),
    CSI_UNAVAILABLE("CsiUnavailable", FailureKind.TRANSIENT),
    CSI_RESOURCE_EXHAUSTED("CsiResourceExhausted", FailureKind.TRANSIENT),
    CSI_CANCELLED("CsiCancelled", FailureKind.TRANSIENT),
    CSI_OK("CsiOk", FailureKind.FINAL),
    CSI_UNKNOWN("CsiUnknown", FailureKind.FINAL),
    CSI_ALREADY_EXISTS("CsiAlreadyExists", FailureKind.FINAL),
    CSI_PERMISSION_DENIED("CsiPermissionDenied", FailureKind.FINAL),
    CSI_UNIMPLEMENTED("CsiUnimplemented", FailureKind.FINAL),
    CSI_INTERNAL("CsiInternal", FailureKind.FINAL),
    CSI_DATA_LOSS("CsiDataLoss", FailureKind.FINAL),
    CSI_UNAUTHENTICATED("CsiUnauthenticated", FailureKind.FINAL),

    // fs-service: finding the volume on this node
    /** The volume is not (yet) mounted or attached on this node: kubelet may still be setting it up. */
    VOLUME_NOT_ON_NODE("VolumeNotOnNode", FailureKind.TRANSIENT),
    VOLUME_NOT_MOUNTED("VolumeNotMounted", FailureKind.TRANSIENT),
    INVALID_VOLUME_REFERENCE("InvalidVolumeReference", FailureKind.INFEASIBLE),
    MOUNT_TABLE_UNREADABLE("MountTableUnreadable", FailureKind.TRANSIENT),
    LOOP_LOOKUP_FAILED("LoopLookupFailed", FailureKind.TRANSIENT),
    LOOP_RESCAN_FAILED("LoopRescanFailed", FailureKind.FINAL),
    VOLUME_BUSY("VolumeBusy", FailureKind.TRANSIENT),

    // fs-service: growing the filesystem
    UNKNOWN_FILESYSTEM("UnknownFilesystem", FailureKind.INFEASIBLE),
    READ_ONLY_MOUNT("ReadOnlyMount", FailureKind.INFEASIBLE),
    ONLINE_RESIZE_NOT_PERMITTED("OnlineResizeNotPermitted", FailureKind.INFEASIBLE),
    DEVICE_NOT_GROWN("DeviceNotGrown", FailureKind.TRANSIENT),
    DEVICE_SIZE_UNREADABLE("DeviceSizeUnreadable", FailureKind.FINAL),
    FILESYSTEM_PROBE_FAILED("FilesystemProbeFailed", FailureKind.FINAL),
    FILESYSTEM_CHECK_FAILED("FilesystemCheckFailed", FailureKind.FINAL),
    FILESYSTEM_GROW_FAILED("FilesystemGrowFailed", FailureKind.FINAL),
    SUPERBLOCK_UNREADABLE("SuperblockUnreadable", FailureKind.FINAL),
    FILESYSTEM_UNREACHABLE("FilesystemUnreachable", FailureKind.TRANSIENT),
    COMMAND_TIMEOUT("CommandTimeout", FailureKind.TRANSIENT),
    TOOL_NOT_FOUND("ToolNotFound", FailureKind.FINAL);

    private static final Map<String, Reason> BY_CODE =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(Reason::code, Function.identity()));

    private final String code;
    private final FailureKind kind;

    Reason(String code, FailureKind kind) {
        this.code = code;
        this.kind = kind;
    }

    /** The reason as it travels and as Kubernetes shows it ({@code VolumeNotFound}). */
    public String code() {
        return code;
    }

    /** How a failure for this reason is treated; {@link FailureHandling#of(FailureKind)} turns it into an action. */
    public FailureKind kind() {
        return kind;
    }

    /** The reason whose code is {@code code}, if the catalogue has it. */
    public static Optional<Reason> ofCode(String code) {
        return Optional.ofNullable(BY_CODE.get(code));
    }

    @Override
    public String toString() {
        return code;
    }
}
