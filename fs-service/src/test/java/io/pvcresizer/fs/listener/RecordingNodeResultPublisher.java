package io.pvcresizer.fs.listener;

import io.pvcresizer.common.events.FailureKind;
import io.pvcresizer.common.events.FilesystemExpansionRequested;
import io.pvcresizer.fs.grow.GrowthResult;
import java.util.ArrayList;
import java.util.List;

/** A hand-written {@link NodeResultPublisher} that keeps what it was told to publish. */
class RecordingNodeResultPublisher implements NodeResultPublisher {

    record Expanded(FilesystemExpansionRequested request, GrowthResult result) {
    }

    record Failed(FilesystemExpansionRequested request, FailureKind kind, String reason, String message) {
    }

    final List<Expanded> expanded = new ArrayList<>();
    final List<Failed> failed = new ArrayList<>();

    @Override
    public void expanded(FilesystemExpansionRequested request, GrowthResult result) {
        expanded.add(new Expanded(request, result));
    }

    @Override
    public void failed(FilesystemExpansionRequested request, FailureKind kind, String reason, String message) {
        failed.add(new Failed(request, kind, reason, message));
    }
}
