package io.pvcresizer.tools.deadletters;

import io.pvcresizer.common.topics.Topic;
import io.pvcresizer.common.topics.Topics;
import java.util.List;

/** The dead-letter topics of pvc-resizer, one for each topic of {@link Topics#ALL}, and the way back to the original. */
final class DeadLetterTopics {

    /** Every dead-letter topic, in flow order. */
    static final List<String> ALL = Topics.ALL.stream().map(Topic::deadLetterName).toList();

    /** Every original topic, in flow order. */
    static final List<String> ORIGINALS = Topics.ALL.stream().map(Topic::name).toList();

    private DeadLetterTopics() {
    }

    static boolean isDeadLetterTopic(String name) {
        return ALL.contains(name);
    }

    static boolean isOriginalTopic(String name) {
        return ORIGINALS.contains(name);
    }

    /** Why {@code name} is not accepted as a dead-letter topic, naming the ones that are. */
    static String whyUnknown(String name) {
        String hint = isOriginalTopic(name) ? " (did you mean " + name + Topic.DLT_SUFFIX + "?)" : "";
        return "unknown dead-letter topic " + name + hint + "; known: " + String.join(", ", ALL);
    }

    /** The topic a dead-letter topic belongs to: its name without the {@code -dlt} suffix. */
    static String originalOf(String deadLetterTopic) {
        if (!deadLetterTopic.endsWith(Topic.DLT_SUFFIX)) {
            throw new IllegalArgumentException(deadLetterTopic + " is not a dead-letter topic");
        }
        return deadLetterTopic.substring(0, deadLetterTopic.length() - Topic.DLT_SUFFIX.length());
    }
}
