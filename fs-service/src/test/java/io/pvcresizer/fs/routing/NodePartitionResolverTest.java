package io.pvcresizer.fs.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The agent learns the partition count of node-requests from the broker at start, waiting a little if need be. */
class NodePartitionResolverTest {

    private static final String TOPIC = "pvc-resize.node-requests";
    private static final Duration SHORT = Duration.ofMillis(200);

    private final AtomicInteger createCalls = new AtomicInteger();

    @Test
    void shouldUseThePartitionCountTheBrokerReports() {
        NodePartition partition = resolver(answers(OptionalInt.of(6)), SHORT).resolve(TOPIC, "node-a");

        assertThat(partition).isEqualTo(NodePartition.of("node-a", 6));
        assertThat(createCalls).hasValue(0);
    }

    @Test
    void shouldHaveTheTopicsCreatedOnceWhenTheBrokerDoesNotKnowTheTopicYet() {
        PartitionCounts counts = answers(OptionalInt.empty(), OptionalInt.empty(), OptionalInt.empty(), OptionalInt.of(4));

        NodePartition partition = resolver(counts, Duration.ofSeconds(5)).resolve(TOPIC, "node-b");

        assertThat(partition).isEqualTo(NodePartition.of("node-b", 4));
        assertThat(createCalls).hasValue(1);
    }

    @Test
    void shouldAskAgainWhileTheBrokerCannotBeReached() {
        Deque<Object> answers = new ArrayDeque<>();
        answers.add(new IllegalStateException("connection refused"));
        answers.add(new IllegalStateException("connection refused"));
        answers.add(OptionalInt.of(3));
        PartitionCounts counts = topic -> {
            Object next = answers.size() > 1 ? answers.poll() : answers.peek();
            if (next instanceof RuntimeException e) {
                throw e;
            }
            return (OptionalInt) next;
        };

        assertThat(resolver(counts, Duration.ofSeconds(5)).resolve(TOPIC, "node-c")).isEqualTo(NodePartition.of("node-c", 3));
    }

    @Test
    void shouldFailTheStartWhenTheBrokerNeverDescribesTheTopic() {
        NodePartitionResolver resolver = resolver(topic -> OptionalInt.empty(), SHORT);

        assertThatThrownBy(() -> resolver.resolve(TOPIC, "node-a")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(TOPIC).hasMessageContaining("node-a").hasMessageContaining("200 ms")
                .hasMessageContaining("does not know topic");
        assertThat(createCalls).hasValue(1);
    }

    private NodePartitionResolver resolver(PartitionCounts counts, Duration wait) {
        return new NodePartitionResolver(counts, createCalls::incrementAndGet, wait, Duration.ofMillis(1));
    }

    /** The given answers in turn, the last one for ever after. */
    private static PartitionCounts answers(OptionalInt... answers) {
        AtomicInteger next = new AtomicInteger();
        return topic -> answers[Math.min(next.getAndIncrement(), answers.length - 1)];
    }
}
