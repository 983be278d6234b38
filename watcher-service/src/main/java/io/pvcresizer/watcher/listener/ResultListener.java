package io.pvcresizer.watcher.listener;

import io.pvcresizer.common.events.ResizeEvent;
import io.pvcresizer.common.logging.OperationLogContext;
import io.pvcresizer.common.topics.Topics;
import io.pvcresizer.watcher.projection.ResultProjector;
import io.pvcresizer.watcher.reconcile.ReconcileQueue;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;

/**
 * Consumes volume and node results, and the events node agents report on their own (stale mounts), and hands them to
 * the {@link ResultProjector} on the watcher's work thread; its container runs only while this replica leads (see
 * {@code LeadershipActions}).
 */
public class ResultListener {

    /** Id of the listener container, started and stopped with leadership. */
    public static final String CONTAINER_ID = "watcher-results";

    private final ResultProjector projector;
    private final ReconcileQueue queue;

    private final String groupId;
    private final int concurrency;

    public ResultListener(ResultProjector projector, ReconcileQueue queue, String groupId, int concurrency) {
        this.projector = projector;
        this.queue = queue;
        this.groupId = groupId;
        this.concurrency = concurrency;
    }

    /** The consumer group of the results topics ({@code pvc-resizer.watcher.group-id}). */
    public String groupId() {
        return groupId;
    }

    /** Consumer threads of the results topics ({@code pvc-resizer.watcher.result-consumers}). */
    public int concurrency() {
        return concurrency;
    }

    @KafkaListener(id = CONTAINER_ID, autoStartup = "false", concurrency = "#{__listener.concurrency()}",
            groupId = "#{__listener.groupId()}",
            topics = {Topics.VOLUME_RESULTS_NAME, Topics.NODE_RESULTS_NAME, Topics.NODE_EVENTS_NAME})
    public void onResult(ConsumerRecord<String, ResizeEvent> record) throws Exception {
        ResizeEvent event = record.value();
        // On the work thread of the claim, so a projection never races a reconcile of the same claim.
        String key = event.volume().namespace().isEmpty() ? "pv:" + event.volume().pvName() : event.volume().claimKey();
        queue.runExclusively(key, () -> {
            try (OperationLogContext ignored = OperationLogContext.enter(event)) {
                projector.project(event);
                return null;
            }
        });
    }
}
