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

    public ResultListener(ResultProjector projector, ReconcileQueue queue) {
        this.projector = projector;
        this.queue = queue;
    }

    @KafkaListener(id = CONTAINER_ID, autoStartup = "false", concurrency = "${pvc-resizer.watcher.result-consumers:3}",
            groupId = "${pvc-resizer.watcher.group-id:pvc-resizer-watcher}",
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
