package io.pvcresizer.watcher.publish;

import io.pvcresizer.common.events.FilesystemExpansionRequested;
import io.pvcresizer.common.events.VolumeExpansionRequested;

/** Publishes the watcher's requests to the backend and node services; returns only once the broker has them. */
public interface ResizeRequestPublisher {

    void requestVolumeExpansion(VolumeExpansionRequested request);

    void requestFilesystemExpansion(FilesystemExpansionRequested request);
}
