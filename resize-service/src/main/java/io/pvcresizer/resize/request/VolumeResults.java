package io.pvcresizer.resize.request;

import io.pvcresizer.common.events.EventHeader;
import io.pvcresizer.common.events.FailureKind;
import io.pvcresizer.common.events.VolumeExpanded;
import io.pvcresizer.common.events.VolumeExpansionFailed;
import io.pvcresizer.common.events.VolumeExpansionRequested;
import io.pvcresizer.resize.expansion.ExpansionResult;

/** Builds the result events that answer a volume expansion request, in the request's operation and for its volume. */
final class VolumeResults {

    private VolumeResults() {
    }

    static VolumeExpanded expanded(VolumeExpansionRequested request, ExpansionResult result) {
        return new VolumeExpanded(EventHeader.next(request.operationId(), request.volume()), request.targetBytes(),
                result.newSizeBytes(), result.nodeExpansionRequired());
    }

    static VolumeExpansionFailed failed(VolumeExpansionRequested request, FailureKind kind, String reason, String message) {
        return new VolumeExpansionFailed(EventHeader.next(request.operationId(), request.volume()), request.targetBytes(),
                kind, reason, message);
    }
}
