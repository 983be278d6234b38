package io.pvcresizer.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pvcresizer.common.events.EventHeader;
import io.pvcresizer.common.events.FailureKind;
import io.pvcresizer.common.events.FilesystemExpanded;
import io.pvcresizer.common.events.VolumeExpanded;
import io.pvcresizer.common.events.VolumeRef;
import io.pvcresizer.common.failure.ResizeException;
import io.pvcresizer.common.topics.Topics;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.mock.MockProducerFactory;

/** Each event keyed as its topic says, and a send the broker refuses or does not acknowledge is a transient failure. */
class TopicPublisherTest {

    private static final VolumeRef REF = new VolumeRef("apps", "data", "uid-data", "pv-data");

    @Test
    void shouldKeyEachEventAsItsTopicSays() {
        MockProducer<String, Object> volumes = producer(true);
        MockProducer<String, Object> nodes = producer(true);

        new TopicPublisher<>(new KafkaTemplate<>(new MockProducerFactory<>(() -> volumes)), Topics.VOLUME_RESULTS,
                Duration.ofSeconds(1)).publish(new VolumeExpanded(EventHeader.next("op-uid-data-1", REF), 1, 1, false));
        new TopicPublisher<>(new KafkaTemplate<>(new MockProducerFactory<>(() -> nodes)), Topics.NODE_RESULTS,
                Duration.ofSeconds(1)).publish(new FilesystemExpanded(EventHeader.next("op-uid-data-1", REF), "node-a",
                1, 1, "xfs", true));

        assertThat(volumes.history()).extracting(ProducerRecord::topic, ProducerRecord::key)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Topics.VOLUME_RESULTS_NAME, "pv-data"));
        assertThat(nodes.history()).extracting(ProducerRecord::topic, ProducerRecord::key)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(Topics.NODE_RESULTS_NAME, "node-a"));
    }

    @Test
    void shouldFailTransientlyNamingTheEventWhenTheBrokerRefusesIt() {
        MockProducer<String, Object> producer = producer(false);
        KafkaTemplate<String, Object> kafka = new KafkaTemplate<>(new MockProducerFactory<>(() -> producer));
        TopicPublisher<io.pvcresizer.common.events.VolumeResult> publisher = new TopicPublisher<>(kafka, Topics.VOLUME_RESULTS, Duration.ofSeconds(5));
        VolumeExpanded event = new VolumeExpanded(EventHeader.next("op-uid-data-1", REF), 1, 1, false);

        var async = publisher.publishAsync(event);
        producer.errorNext(new TopicAuthorizationException("Not authorized to access topics: [pvc-resize.volume-results]"));

        assertThatThrownBy(async::get).isInstanceOf(ExecutionException.class).cause()
                .isInstanceOfSatisfying(ResizeException.class, e -> {
                    assertThat(e.kind()).isEqualTo(FailureKind.TRANSIENT);
                    assertThat(e.reason()).isEqualTo("EventNotPublished");
                    assertThat(e.getMessage()).contains("VolumeExpanded of pv-data to pvc-resize.volume-results",
                            "Not authorized");
                });
    }

    @Test
    void shouldFailTransientlyWhenNoAcknowledgementComesInTime() {
        KafkaTemplate<String, Object> kafka = new KafkaTemplate<>(new MockProducerFactory<>(() -> producer(false)));
        TopicPublisher<io.pvcresizer.common.events.VolumeResult> publisher = new TopicPublisher<>(kafka, Topics.VOLUME_RESULTS, Duration.ofMillis(50));

        assertThatThrownBy(() -> publisher.publish(new VolumeExpanded(EventHeader.next("op-uid-data-1", REF), 1, 1, false)))
                .isInstanceOfSatisfying(ResizeException.class, e -> {
                    assertThat(e.kind()).isEqualTo(FailureKind.TRANSIENT);
                    assertThat(e.getMessage()).contains("no acknowledgement within 50 ms");
                });
    }

    private static MockProducer<String, Object> producer(boolean autoComplete) {
        return new MockProducer<>(autoComplete, null, new StringSerializer(), (topic, value) -> new byte[0]);
    }
}
