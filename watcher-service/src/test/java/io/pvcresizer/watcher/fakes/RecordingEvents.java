package io.pvcresizer.watcher.fakes;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.pvcresizer.watcher.recording.EventRecorder;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** An {@link EventRecorder} that keeps each event as {@code <type> <kind> <namespace>/<name> <reason> <message>}. */
public final class RecordingEvents implements EventRecorder {

    private final List<String> events = new CopyOnWriteArrayList<>();

    @Override
    public void normal(HasMetadata involved, String reason, String message) {
        events.add("Normal " + describe(involved) + " " + reason + " " + message);
    }

    @Override
    public void warning(HasMetadata involved, String reason, String message) {
        events.add("Warning " + describe(involved) + " " + reason + " " + message);
    }

    /** Every event recorded, in order. */
    public List<String> all() {
        return List.copyOf(events);
    }

    /** The reasons of the events recorded, in order. */
    public List<String> reasons() {
        return events.stream().map(e -> e.split(" ", 5)[3]).toList();
    }

    private static String describe(HasMetadata involved) {
        return involved.getKind() + " " + involved.getMetadata().getNamespace() + "/" + involved.getMetadata().getName();
    }
}
