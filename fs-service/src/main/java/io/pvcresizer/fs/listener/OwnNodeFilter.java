package io.pvcresizer.fs.listener;

import io.pvcresizer.common.events.FilesystemExpansionRequested;
import java.util.Objects;

/**
 * Decides whether a node request is this node's to handle: its Kafka key (when set) and its {@code nodeName} must both
 * name this node. Every agent reads the whole node-requests topic in a consumer group of its own and skips the rest.
 */
public class OwnNodeFilter {

    private final String nodeName;

    public OwnNodeFilter(String nodeName) {
        this.nodeName = Objects.requireNonNull(nodeName, "nodeName");
    }

    /** The node this agent serves. */
    public String nodeName() {
        return nodeName;
    }

    /** Whether the record with this key and request is for this node. */
    public boolean accepts(String key, FilesystemExpansionRequested request) {
        return (key == null || nodeName.equals(key)) && nodeName.equals(request.nodeName());
    }
}
