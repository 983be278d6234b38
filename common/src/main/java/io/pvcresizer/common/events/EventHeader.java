package io.pvcresizer.common.events;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * The fields every event carries: schema version, unique event id, the resize operation it belongs to, when it
 * happened and which volume it is about.
 *
 * @param schemaVersion version of the event schema this event was written with
 * @param eventId       unique id of this event (duplicates of one delivery share it)
 * @param operationId   id of one resize, end to end, shared by every event of that resize
 * @param occurredAt    when the fact the event states happened
 * @param volume        the claim and volume concerned
 */
public record EventHeader(int schemaVersion, UUID eventId, String operationId, Instant occurredAt, VolumeRef volume) {

    /** Schema version written by this code; readers accept this version and older ones. */
    public static final int CURRENT_SCHEMA_VERSION = 1;

    public EventHeader {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(operationId, "operationId");
        Objects.requireNonNull(occurredAt, "occurredAt");
        Objects.requireNonNull(volume, "volume");
    }

    /** A header for a new event of the given operation, stamped now. */
    public static EventHeader next(String operationId, VolumeRef volume) {
        return new EventHeader(CURRENT_SCHEMA_VERSION, UUID.randomUUID(), operationId, Instant.now(), volume);
    }
}
