package io.pvcresizer.common.topics;

import io.pvcresizer.common.events.ResizeEvent;
import java.util.function.Function;

/**
 * A Kafka topic with the type of the events it carries and its record key: what it is, for readers, and how it is
 * taken from an event, for the one publisher of the topic.
 *
 * @param name      the topic name
 * @param valueType the (sealed) event type of its values
 * @param key       what the record key is, for readers of the topic ({@code PV name})
 * @param keys      the record key of an event of this topic
 * @param <V>       the event type
 */
public record Topic<V extends ResizeEvent>(String name, Class<V> valueType, String key, Function<? super V, String> keys) {

    /** Suffix of the dead-letter topic that belongs to each topic. */
    public static final String DLT_SUFFIX = "-dlt";

    /** The dead-letter topic of this topic. */
    public String deadLetterName() {
        return name + DLT_SUFFIX;
    }

    /** The record key of {@code event} on this topic. */
    public String keyOf(V event) {
        return keys.apply(event);
    }
}
