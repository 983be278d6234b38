package io.pvcresizer.watcher.detection;

import io.fabric8.kubernetes.api.model.Pod;

/** What the watcher should do about one PVC, as decided by {@link ResizeDecider}. */
public sealed interface ResizeDecision {

    /** Nothing to do now; {@code why} is for the debug log. */
    record Ignore(String why) implements ResizeDecision {
    }

    /** The resize is not allowed; show it on the PVC (condition and Warning event) and publish nothing. */
    record Refuse(String reason, String message) implements ResizeDecision {
    }

    /** Start (or restart) growing the volume in its backend to {@code targetBytes}. */
    record StartVolumeExpansion(long targetBytes, String driver) implements ResizeDecision {
    }

    /** The backend step is in flight too long without an answer: publish the same request again. */
    record RedriveVolumeExpansion(long targetBytes, String driver) implements ResizeDecision {
    }

    /** The volume is grown; ask the node agent where {@code pod} runs to grow its filesystem. */
    record StartNodeExpansion(long targetBytes, Pod pod) implements ResizeDecision {
    }

    /**
     * Another resizer is active for the claim's driver: write nothing to the claim; say once, as a Warning event,
     * that pvc-resizer stands back and why.
     */
    record StandBack(String driver, String evidence) implements ResizeDecision {
    }

    /**
     * The driver grows volumes only while no pod uses them and {@code pod} still does: do not ask it; say so once,
     * and go on when the last pod is gone.
     */
    record WaitUntilUnused(String driver, String pod) implements ResizeDecision {
    }

    /** The node step was finished (by the kubelet or by us): drop the PV's pre-resize-capacity annotation. */
    record ClearPreResizeAnnotation(String pvName) implements ResizeDecision {
    }

    /** The user lowered the request back to the capacity after a failure (KEP-1790): clear the resize state. */
    record CancelResize(long capacityBytes) implements ResizeDecision {
    }
}
