package io.pvcresizer.common.kafka;

import io.pvcresizer.common.events.ResizeEvent;
import org.apache.kafka.common.serialization.Deserializer;

/** Kafka value deserializer for events; wrap it in spring-kafka's {@code ErrorHandlingDeserializer} so poison records reach the error handler. */
public class EventDeserializer implements Deserializer<ResizeEvent> {

    private final EventCodec codec = new EventCodec();

    @Override
    public ResizeEvent deserialize(String topic, byte[] data) {
        return codec.decode(data);
    }
}
