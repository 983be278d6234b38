package io.pvcresizer.common.topics;

import io.pvcresizer.common.events.ResizeEvent;

/**
 * A Kafka topic with the type of the events it carries and what its key is.
 *
 * @param name      the topic name
 * @param valueType the (sealed) event type of its values
 * @param key       what the record key is, for readers of the topic
 * @param <V>       the event type
 */
public record Topic<V extends ResizeEvent>(String name, Class<V> valueType, String key) {

    /** Suffix of the dead-letter topic that belongs to each topic. */
    public static final String DLT_SUFFIX = "-dlt";

    /** The dead-letter topic of this topic. */
    public String deadLetterName() {
        return name + DLT_SUFFIX;
    }
}
