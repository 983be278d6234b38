package io.pvcresizer.common.topics;

import io.pvcresizer.common.events.FilesystemExpansionRequested;
import io.pvcresizer.common.events.NodeResult;
import io.pvcresizer.common.events.ResizeEvent;
import io.pvcresizer.common.events.StaleMountDetected;
import io.pvcresizer.common.events.VolumeExpansionRequested;
import io.pvcresizer.common.events.VolumeResult;
import io.pvcresizer.common.events.VolumeUsageReported;
import java.util.List;

/** Every topic of pvc-resizer, declared once; each has exactly one producing service. */
public final class Topics {

    /** Topic name constants for annotations, which need compile-time strings. */
    public static final String VOLUME_REQUESTS_NAME = "pvc-resize.volume-requests";
    public static final String VOLUME_RESULTS_NAME = "pvc-resize.volume-results";
    public static final String NODE_REQUESTS_NAME = "pvc-resize.node-requests";
    public static final String NODE_RESULTS_NAME = "pvc-resize.node-results";
    public static final String NODE_EVENTS_NAME = "pvc-resize.node-events";
    public static final String VOLUME_USAGE_NAME = "pvc-resize.volume-usage";

    /** Watcher → resize-service: grow this volume in its backend. Key: PV name. */
    public static final Topic<VolumeExpansionRequested> VOLUME_REQUESTS =
            new Topic<>(VOLUME_REQUESTS_NAME, VolumeExpansionRequested.class, "PV name", Topics::pvName);

    /**
     * Watcher → the resize-service sidecar of one driver: the same requests as {@link #VOLUME_REQUESTS}, on a topic of
     * that driver's own ({@code pvc-resizer.watcher.request-topics}). Key: PV name.
     *
     * @throws IllegalArgumentException when {@code name} is not a legal Kafka topic name
     */
    public static Topic<VolumeExpansionRequested> volumeRequests(String name) {
        if (name == null || !name.matches("[a-zA-Z0-9._-]{1,200}")) {
            throw new IllegalArgumentException("\"" + name + "\" is not a Kafka topic name (letters, digits, '.', '_', '-'; at most 200)");
        }
        return name.equals(VOLUME_REQUESTS_NAME) ? VOLUME_REQUESTS
                : new Topic<>(name, VolumeExpansionRequested.class, "PV name", Topics::pvName);
    }

    /** resize-service → watcher: the backend outcome. Key: PV name. */
    public static final Topic<VolumeResult> VOLUME_RESULTS =
            new Topic<>(VOLUME_RESULTS_NAME, VolumeResult.class, "PV name", Topics::pvName);

    /** Watcher → fs-service of one node: grow this filesystem. Key: node name. */
    public static final Topic<FilesystemExpansionRequested> NODE_REQUESTS =
            new Topic<>(NODE_REQUESTS_NAME, FilesystemExpansionRequested.class, "node name",
                    FilesystemExpansionRequested::nodeName);

    /** fs-service → watcher: the node outcome. Key: node name. */
    public static final Topic<NodeResult> NODE_RESULTS =
            new Topic<>(NODE_RESULTS_NAME, NodeResult.class, "node name", NodeResult::nodeName);

    /** fs-service → watcher: what a node agent noticed on its own, such as a stale FUSE mount. Key: node name. */
    public static final Topic<StaleMountDetected> NODE_EVENTS =
            new Topic<>(NODE_EVENTS_NAME, StaleMountDetected.class, "node name", StaleMountDetected::nodeName);

    /** fs-service → anyone (auto-expansion later): how full each mounted volume is. Key: PV name. */
    public static final Topic<VolumeUsageReported> VOLUME_USAGE =
            new Topic<>(VOLUME_USAGE_NAME, VolumeUsageReported.class, "PV name", Topics::pvName);

    /** All topics, in flow order. */
    public static final List<Topic<?>> ALL =
            List.of(VOLUME_REQUESTS, VOLUME_RESULTS, NODE_REQUESTS, NODE_RESULTS, NODE_EVENTS, VOLUME_USAGE);

    private Topics() {
    }

    private static String pvName(ResizeEvent event) {
        return event.volume().pvName();
    }
}
