package io.pvcresizer.watcher.election;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** Whether this watcher replica is the elected leader, and who wants to hear when that changes. */
public class Leadership {

    private final List<Consumer<Boolean>> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean leader;
    private volatile String currentLeader;

    public boolean isLeader() {
        return leader;
    }

    /** The identity of the current leader as last observed, or null. */
    public String currentLeader() {
        return currentLeader;
    }

    /** Registers a listener called with true when leadership is gained and false when it is lost. */
    public void addListener(Consumer<Boolean> listener) {
        listeners.add(listener);
    }

    void observedLeader(String identity) {
        currentLeader = identity;
    }

    /** Changes this replica's leadership and tells the listeners. */
    public void setLeader(boolean leader) {
        this.leader = leader;
        listeners.forEach(l -> l.accept(leader));
    }
}
