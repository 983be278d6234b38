package io.pvcresizer.fs.routing;

import io.pvcresizer.common.failure.Causes;
import java.util.Objects;
import java.util.OptionalInt;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.springframework.kafka.core.KafkaAdmin;

/** {@link PartitionCounts} from the broker's topic descriptions, through Spring's {@link KafkaAdmin}. */
public class KafkaAdminPartitionCounts implements PartitionCounts {

    private final KafkaAdmin admin;

    public KafkaAdminPartitionCounts(KafkaAdmin admin) {
        this.admin = Objects.requireNonNull(admin, "admin");
    }

    @Override
    public OptionalInt of(String topic) {
        try {
            TopicDescription description = admin.describeTopics(topic).get(topic);
            return description == null ? OptionalInt.empty() : OptionalInt.of(description.partitions().size());
        } catch (RuntimeException e) {
            if (causedByUnknownTopic(e)) {
                return OptionalInt.empty();
            }
            throw e;
        }
    }

    private static boolean causedByUnknownTopic(Throwable failure) {
        return Causes.find(failure, UnknownTopicOrPartitionException.class) != null;
    }
}
