package io.pvcresizer.watcher.recording;

import io.fabric8.kubernetes.api.model.HasMetadata;

/** Records Kubernetes Events on PVCs and pods, the way operators see what happened with {@code kubectl describe}. */
public interface EventRecorder {

    /** A Normal event. */
    void normal(HasMetadata involved, String reason, String message);

    /** A Warning event. */
    void warning(HasMetadata involved, String reason, String message);
}
