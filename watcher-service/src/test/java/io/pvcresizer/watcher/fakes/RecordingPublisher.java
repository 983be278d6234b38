package io.pvcresizer.watcher.fakes;

import io.pvcresizer.common.events.FilesystemExpansionRequested;
import io.pvcresizer.common.events.VolumeExpansionRequested;
import io.pvcresizer.watcher.publish.ResizeRequestPublisher;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A {@link ResizeRequestPublisher} that keeps what it was asked to publish. */
public final class RecordingPublisher implements ResizeRequestPublisher {

    private final List<VolumeExpansionRequested> volumeRequests = new CopyOnWriteArrayList<>();
    private final List<FilesystemExpansionRequested> nodeRequests = new CopyOnWriteArrayList<>();

    @Override
    public void requestVolumeExpansion(VolumeExpansionRequested request) {
        volumeRequests.add(request);
    }

    @Override
    public void requestFilesystemExpansion(FilesystemExpansionRequested request) {
        nodeRequests.add(request);
    }

    public List<VolumeExpansionRequested> volumeRequests() {
        return List.copyOf(volumeRequests);
    }

    public List<FilesystemExpansionRequested> nodeRequests() {
        return List.copyOf(nodeRequests);
    }
}
