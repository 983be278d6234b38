package io.pvcresizer.watcher.config;

import io.pvcresizer.watcher.election.LeaseLeaderElection;
import io.pvcresizer.watcher.informer.InformerClusterView;
import io.pvcresizer.watcher.reconcile.ReconcileQueue;
import org.springframework.context.SmartLifecycle;

/** Starts the informers and then leader election once the application is up, and stops them in reverse order. */
public class WatcherLifecycle implements SmartLifecycle {

    private final InformerClusterView view;
    private final LeaseLeaderElection election;
    private final ReconcileQueue queue;
    private volatile boolean running;

    public WatcherLifecycle(InformerClusterView view, LeaseLeaderElection election, ReconcileQueue queue) {
        this.view = view;
        this.election = election;
        this.queue = queue;
    }

    @Override
    public void start() {
        view.start();
        election.start();
        running = true;
    }

    @Override
    public void stop() {
        election.close();
        view.close();
        queue.close();
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        // After the Kafka listener containers (which start in an earlier phase), before they stop.
        return Integer.MAX_VALUE - 100;
    }
}
