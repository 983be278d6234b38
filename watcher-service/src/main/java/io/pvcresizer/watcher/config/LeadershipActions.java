package io.pvcresizer.watcher.config;

import io.pvcresizer.watcher.informer.ClusterView;
import io.pvcresizer.watcher.listener.ResultListener;
import io.pvcresizer.watcher.reconcile.ReconcileQueue;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * What changes with leadership: the new leader starts consuming results and re-examines every claim from its own
 * status (no in-memory state is needed to finish what the old leader started); a replica that loses leadership stops
 * consuming.
 */
public class LeadershipActions implements Consumer<Boolean> {

    private static final Logger log = LoggerFactory.getLogger(LeadershipActions.class);

    private final KafkaListenerEndpointRegistry listeners;
    private final ClusterView view;
    private final ReconcileQueue queue;

    public LeadershipActions(KafkaListenerEndpointRegistry listeners, ClusterView view, ReconcileQueue queue) {
        this.listeners = listeners;
        this.view = view;
        this.queue = queue;
    }

    @Override
    public void accept(Boolean leader) {
        MessageListenerContainer results = listeners.getListenerContainer(ResultListener.CONTAINER_ID);
        if (leader) {
            if (results != null && !results.isRunning()) {
                results.start();
            }
            var keys = view.claimKeys();
            log.info("leading: re-examining {} claims", keys.size());
            keys.forEach(queue::enqueue);
        } else if (results != null && results.isRunning()) {
            results.stop();
        }
    }
}
