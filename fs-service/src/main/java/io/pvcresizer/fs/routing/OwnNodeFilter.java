package io.pvcresizer.fs.routing;

import io.pvcresizer.common.events.FilesystemExpansionRequested;
import java.util.Objects;

/**
 * Decides whether a node request is this node's to handle: its Kafka key (when set) and its {@code nodeName} must both
 * name this node. Each agent reads only its node's partition of node-requests, which it shares with the other nodes
 * whose names hash to the same partition; their records are skipped.
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

    /** Whether a record with this key may be for this node: a null key is decided by the request's {@code nodeName}. */
    public boolean acceptsKey(String key) {
        return key == null || nodeName.equals(key);
    }

    /** Whether the record with this key and request is for this node. */
    public boolean accepts(String key, FilesystemExpansionRequested request) {
        return acceptsKey(key) && nodeName.equals(request.nodeName());
    }
}
