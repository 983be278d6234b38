package io.pvcresizer.common.kafka;

import io.pvcresizer.common.events.EventHeader;
import io.pvcresizer.common.events.ResizeEvent;
import io.pvcresizer.common.failure.Causes;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns events into their JSON wire form and back, refusing records that are malformed, of an unknown type or of a
 * newer schema version with an {@link EventDecodingException} that says which.
 */
public final class EventCodec {

    /** Logical type ids this code can read. */
    public static final Set<String> KNOWN_TYPES = Set.of(
            io.pvcresizer.common.events.VolumeExpansionRequested.TYPE,
            io.pvcresizer.common.events.VolumeExpanded.TYPE,
            io.pvcresizer.common.events.VolumeExpansionFailed.TYPE,
            io.pvcresizer.common.events.FilesystemExpansionRequested.TYPE,
            io.pvcresizer.common.events.FilesystemExpanded.TYPE,
            io.pvcresizer.common.events.FilesystemExpansionFailed.TYPE,
            io.pvcresizer.common.events.StaleMountDetected.TYPE,
            io.pvcresizer.common.events.VolumeUsageReported.TYPE);

    private final JsonMapper mapper = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    /** The event as UTF-8 JSON bytes. */
    public byte[] encode(ResizeEvent event) {
        return mapper.writeValueAsBytes(event);
    }

    /** Reads an event, or says precisely why the bytes are not one. */
    public ResizeEvent decode(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw new EventDecodingException(EventDecodingException.Reason.MALFORMED, "empty record value");
        }
        JsonNode tree;
        try {
            tree = mapper.readTree(bytes);
        } catch (JacksonException e) {
            throw new EventDecodingException(EventDecodingException.Reason.MALFORMED,
                    "not valid JSON: " + e.getOriginalMessage());
        }
        if (tree == null || !tree.isObject()) {
            throw new EventDecodingException(EventDecodingException.Reason.MALFORMED, "not a JSON object");
        }
        JsonNode type = tree.get("type");
        if (type == null || !type.isString()) {
            throw new EventDecodingException(EventDecodingException.Reason.UNKNOWN_TYPE, "no \"type\" field");
        }
        if (!KNOWN_TYPES.contains(type.asString())) {
            throw new EventDecodingException(EventDecodingException.Reason.UNKNOWN_TYPE,
                    "unknown event type \"" + type.asString() + "\"");
        }
        JsonNode version = tree.path("header").path("schemaVersion");
        if (!version.isInt()) {
            throw new EventDecodingException(EventDecodingException.Reason.MALFORMED, "no header.schemaVersion");
        }
        if (version.asInt() > EventHeader.CURRENT_SCHEMA_VERSION || version.asInt() < 1) {
            throw new EventDecodingException(EventDecodingException.Reason.UNSUPPORTED_SCHEMA_VERSION,
                    "schema version " + version.asInt() + " of " + type.asString() + " is not supported (this reader knows 1.."
                            + EventHeader.CURRENT_SCHEMA_VERSION + ")");
        }
        try {
            return mapper.treeToValue(tree, ResizeEvent.class);
        } catch (JacksonException | IllegalArgumentException e) {
            throw new EventDecodingException(EventDecodingException.Reason.MALFORMED,
                    "invalid " + type.asString() + ": " + rootMessage(e));
        }
    }

    private static String rootMessage(Throwable e) {
        return e instanceof JacksonException je ? je.getOriginalMessage() : Causes.root(e).getMessage();
    }
}
