package io.pvcresizer.common.kafka;

import io.pvcresizer.common.events.ResizeEvent;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka value serializer for events; raw bytes pass through unchanged so that dead-lettered poison records keep
 * their original value.
 */
public class EventSerializer implements Serializer<Object> {

    private final EventCodec codec = new EventCodec();

    @Override
    public byte[] serialize(String topic, Object data) {
        if (data == null) {
            return null;
        }
        if (data instanceof byte[] raw) {
            return raw;
        }
        if (data instanceof ResizeEvent event) {
            return codec.encode(event);
        }
        throw new IllegalArgumentException("cannot serialize " + data.getClass().getName() + " to topic " + topic);
    }
}
