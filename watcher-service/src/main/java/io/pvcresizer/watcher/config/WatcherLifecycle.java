package io.pvcresizer.watcher.config;

import io.pvcresizer.watcher.election.LeaseLeaderElection;
import io.pvcresizer.watcher.informer.InformerClusterView;
import io.pvcresizer.watcher.reconcile.ReconcileQueue;
import org.springframework.context.SmartLifecycle;

/**
 * Starts the informers and then leader election once the application is up, and stops them in reverse order. The
 * start runs in the background: while the API server cannot be reached the application is up (live, not ready: see
 * the {@code kubernetesApi} health) and the informers keep trying, and the replica competes for the Lease only once
 * its caches are full.
 */
public class WatcherLifecycle implements SmartLifecycle {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(WatcherLifecycle.class);

    private final InformerClusterView view;
    private final LeaseLeaderElection election;
    private final ReconcileQueue queue;
    private volatile boolean running;
    private volatile Thread starter;

    public WatcherLifecycle(InformerClusterView view, LeaseLeaderElection election, ReconcileQueue queue) {
        this.view = view;
        this.election = election;
        this.queue = queue;
    }

    @Override
    public void start() {
        running = true;
        starter = new Thread(() -> {
            try {
                view.start();
                if (running) {
                    election.start();
                }
            } catch (RuntimeException e) {
                log.error("the watcher cannot start its informers and will not act: {}", e.toString());
            }
        }, "watcher-start");
        starter.setDaemon(true);
        starter.start();
    }

    @Override
    public void stop() {
        running = false;
        if (starter != null) {
            starter.interrupt();
        }
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
