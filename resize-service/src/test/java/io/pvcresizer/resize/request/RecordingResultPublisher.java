package io.pvcresizer.resize.request;

import io.pvcresizer.common.events.VolumeResult;
import io.pvcresizer.common.failure.Reason;
import io.pvcresizer.common.failure.ResizeException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A result publisher for tests that keeps what it was given, or fails like a Kafka that is down. */
class RecordingResultPublisher implements VolumeResultPublisher {

    private final List<VolumeResult> published = new CopyOnWriteArrayList<>();
    private volatile boolean down;

    @Override
    public void publish(VolumeResult result) {
        if (down) {
            throw new ResizeException(Reason.EVENT_NOT_PUBLISHED, "Kafka is down");
        }
        published.add(result);
    }

    void goDown() {
        down = true;
    }

    List<VolumeResult> published() {
        return List.copyOf(published);
    }
}
