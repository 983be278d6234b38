package io.pvcresizer.tools.deadletters;

import java.util.List;

/**
 * Which dead letters a command is about: the dead-letter topics to read, and optionally one reason and one key that a
 * record must have.
 *
 * @param topics dead-letter topics to read (all of them when none was named)
 * @param reason the {@code pvc-resizer-dlt-reason} a record must have, or null for any
 * @param key    the key a record must have, or null for any
 */
record DeadLetterSelection(List<String> topics, String reason, String key) {

    DeadLetterSelection {
        topics = List.copyOf(topics);
    }

    /** Whether the record is one of those selected. */
    boolean matches(DeadLetter record) {
        return topics.contains(record.id().topic())
                && (reason == null || reason.equals(record.reason()))
                && (key == null || key.equals(record.keyText()));
    }

    /** What the record lacks to be selected, for a message; empty when it is selected. */
    String mismatch(DeadLetter record) {
        if (!topics.contains(record.id().topic())) {
            return "its topic is not among --topic " + String.join(", ", topics);
        }
        if (reason != null && !reason.equals(record.reason())) {
            return "its reason is " + record.reason() + ", not " + reason;
        }
        if (key != null && !key.equals(record.keyText())) {
            return "its key is " + PrintableText.of(record.key()) + ", not " + key;
        }
        return "";
    }
}
