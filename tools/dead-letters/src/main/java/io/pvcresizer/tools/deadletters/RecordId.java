package io.pvcresizer.tools.deadletters;

/**
 * Where one dead-lettered record is: its dead-letter topic, partition and offset, written {@code topic:partition:offset}
 * as {@code list} prints it and {@code replay --record} takes it.
 */
record RecordId(String topic, int partition, long offset) implements Comparable<RecordId> {

    /** Reads {@code <dlt-topic>:<partition>:<offset>}, refusing anything else with a message that says why. */
    static RecordId parse(String spec) {
        int offsetColon = spec.lastIndexOf(':');
        int partitionColon = offsetColon <= 0 ? -1 : spec.lastIndexOf(':', offsetColon - 1);
        if (partitionColon <= 0) {
            throw new UsageException("--record " + spec + ": expected <dlt-topic>:<partition>:<offset>, e.g. "
                    + DeadLetterTopics.ALL.get(0) + ":0:42");
        }
        String topic = spec.substring(0, partitionColon);
        if (!DeadLetterTopics.isDeadLetterTopic(topic)) {
            throw new UsageException("--record " + spec + ": " + DeadLetterTopics.whyUnknown(topic));
        }
        int partition;
        long offset;
        try {
            partition = Integer.parseInt(spec.substring(partitionColon + 1, offsetColon));
            offset = Long.parseLong(spec.substring(offsetColon + 1));
        } catch (NumberFormatException e) {
            throw new UsageException("--record " + spec + ": partition and offset must be whole numbers");
        }
        if (partition < 0 || offset < 0) {
            throw new UsageException("--record " + spec + ": partition and offset cannot be negative");
        }
        return new RecordId(topic, partition, offset);
    }

    /** The value of the {@code pvc-resizer-replayed-from} header: {@code <dlt-topic>-<partition>@<offset>}. */
    String replayTag() {
        return topic + "-" + partition + "@" + offset;
    }

    @Override
    public int compareTo(RecordId other) {
        int byTopic = Integer.compare(DeadLetterTopics.ALL.indexOf(topic), DeadLetterTopics.ALL.indexOf(other.topic));
        if (byTopic == 0) {
            byTopic = topic.compareTo(other.topic);
        }
        if (byTopic != 0) {
            return byTopic;
        }
        int byPartition = Integer.compare(partition, other.partition);
        return byPartition != 0 ? byPartition : Long.compare(offset, other.offset);
    }

    @Override
    public String toString() {
        return topic + ":" + partition + ":" + offset;
    }
}
