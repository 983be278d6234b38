package io.pvcresizer.tools.faultsuite;

/** The faults the suite injects, in the order it runs them, each with the words the table shows. */
public enum Fault {
    NONE("no fault (baseline)"),
    KILL_RESIZE_SERVICE("kill -9 resize-service"),
    KILL_FS_SERVICE("kill -9 fs-service"),
    KILL_WATCHER_LEADER("kill -9 the leading watcher"),
    BROKER_RESTART("Kafka broker stopped and started"),
    API_SERVER_OUTAGE("kube-apiserver and etcd stopped for 20 s and started again"),
    BACKEND_OUTAGE("backend outage longer than the retries"),
    POISON_RECORDS("poison records and unknown schema versions"),
    DUPLICATES_AND_REPLAY("every request delivered twice, dead letters replayed twice");

    private final String description;

    Fault(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }
}
