package io.pvcresizer.e2e.bench;

import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the requests the embedded API server receives, by verb and resource ({@code PUT persistentvolumeclaims/status},
 * {@code POST events}, …), taking them off the server's record as they come so that it does not grow.
 */
public final class ApiRequestCounter implements AutoCloseable {

    /** The kinds of request the watcher makes for a resize that write. */
    public static final String PVC_STATUS_WRITE = "PUT persistentvolumeclaims/status";
    public static final String PV_WRITE = "PUT persistentvolumes";
    public static final String EVENT_WRITE = "POST events";
    public static final String PVC_READ = "GET persistentvolumeclaims";
    public static final String PV_READ = "GET persistentvolumes";

    private final KubernetesMockServer server;
    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    public ApiRequestCounter(KubernetesMockServer server) {
        this.server = server;
        thread = new Thread(this::run, "bench-api-request-counter");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        while (running) {
            try {
                RecordedRequest request = server.takeRequest(100, TimeUnit.MILLISECONDS);
                if (request != null) {
                    counts.computeIfAbsent(kind(request.getMethod(), request.getPath()), k -> new LongAdder()).increment();
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * The counts so far by kind, after the server's record has been read to its end: requests answered before the call
     * are in it.
     */
    public Map<String, Long> snapshot() throws InterruptedException {
        long recorded = server.getRequestCount();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (total() < recorded && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        Map<String, Long> copy = new TreeMap<>();
        counts.forEach((kind, count) -> copy.put(kind, count.sum()));
        return copy;
    }

    private long total() {
        return counts.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** {@code after − before}, kind by kind. */
    public static Map<String, Long> difference(Map<String, Long> after, Map<String, Long> before) {
        Map<String, Long> delta = new TreeMap<>();
        after.forEach((kind, count) -> {
            long d = count - before.getOrDefault(kind, 0L);
            if (d != 0) {
                delta.put(kind, d);
            }
        });
        return delta;
    }

    /**
     * The verb and resource of a request path: {@code GET persistentvolumeclaims} for a read of one claim,
     * {@code PUT persistentvolumeclaims/status}, {@code LIST pods} for a collection, {@code WATCH …} for a watch.
     */
    static String kind(String method, String path) {
        String query = "";
        int q = path.indexOf('?');
        if (q >= 0) {
            query = path.substring(q + 1);
            path = path.substring(0, q);
        }
        String[] parts = path.replaceAll("^/+", "").split("/");
        // /api/v1/... or /apis/<group>/<version>/...
        int i = parts.length > 0 && "api".equals(parts[0]) ? 2 : 3;
        if (i < parts.length && "namespaces".equals(parts[i]) && i + 2 < parts.length) {
            i += 2;
        }
        if (i >= parts.length) {
            return method + " " + path;
        }
        String resource = parts[i];
        boolean named = i + 1 < parts.length;
        String sub = i + 2 < parts.length ? "/" + parts[i + 2] : "";
        String verb = method;
        if ("GET".equals(method) && !named) {
            verb = query.contains("watch=true") || query.contains("watch=1") ? "WATCH" : "LIST";
        }
        return verb + " " + resource + sub;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
