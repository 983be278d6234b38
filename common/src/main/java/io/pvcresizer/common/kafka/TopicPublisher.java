package io.pvcresizer.common.kafka;

import io.pvcresizer.common.events.ResizeEvent;
import io.pvcresizer.common.failure.Causes;
import io.pvcresizer.common.failure.Reason;
import io.pvcresizer.common.failure.ResizeException;
import io.pvcresizer.common.topics.Topic;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * The one way a service publishes to a topic: each event keyed as its {@link Topic} says, and a send the broker does
 * not acknowledge in time fails as transient {@link Reason#EVENT_NOT_PUBLISHED}, naming the event, volume and topic.
 *
 * @param <V> the event type of the topic
 */
public final class TopicPublisher<V extends ResizeEvent> {

    private final KafkaTemplate<String, Object> kafka;
    private final Topic<V> topic;
    private final Duration timeout;

    /** @param timeout how long {@link #publish} waits for the broker's acknowledgement */
    public TopicPublisher(KafkaTemplate<String, Object> kafka, Topic<V> topic, Duration timeout) {
        this.kafka = Objects.requireNonNull(kafka, "kafka");
        this.topic = Objects.requireNonNull(topic, "topic");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /** The topic this publisher writes. */
    public Topic<V> topic() {
        return topic;
    }

    /**
     * Publishes {@code event} and returns once the broker has stored it, so that a consumer commits its own offset only
     * after its answer is safe.
     *
     * @throws ResizeException transient {@code EventNotPublished} when it was not stored within the timeout
     */
    public void publish(V event) {
        try {
            send(event).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw notPublished(event, "interrupted", e);
        } catch (ExecutionException e) {
            throw notPublished(event, Causes.rootMessage(e), e.getCause());
        } catch (TimeoutException e) {
            throw notPublished(event, "no acknowledgement within " + timeout.toMillis() + " ms", e);
        }
    }

    /** Publishes {@code event} without waiting; the future fails as {@link #publish} would throw. */
    public CompletableFuture<Void> publishAsync(V event) {
        CompletableFuture<Void> published = new CompletableFuture<>();
        try {
            send(event).whenComplete((stored, failure) -> {
                if (failure == null) {
                    published.complete(null);
                } else {
                    published.completeExceptionally(notPublished(event, Causes.rootMessage(failure), failure));
                }
            });
        } catch (RuntimeException e) {
            published.completeExceptionally(notPublished(event, Causes.rootMessage(e), e));
        }
        return published;
    }

    private CompletableFuture<?> send(V event) {
        return kafka.send(topic.name(), topic.keyOf(event), event);
    }

    private ResizeException notPublished(V event, String why, Throwable cause) {
        return new ResizeException(Reason.EVENT_NOT_PUBLISHED, "could not publish " + event.getClass().getSimpleName()
                + " of " + event.volume().pvName() + " to " + topic.name() + ": " + why, cause);
    }
}
