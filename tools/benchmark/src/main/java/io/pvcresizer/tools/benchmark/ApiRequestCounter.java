package io.pvcresizer.tools.benchmark;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts the requests one user made of the real API server, by verb and resource ({@code PUT
 * persistentvolumeclaims/status}, {@code POST events}, …), read from the API server's audit log (one JSON line per
 * answered request, written before the answer is sent), so that a snapshot holds every request answered before it.
 */
public final class ApiRequestCounter implements AutoCloseable {

    /** The kinds of request the watcher makes for a resize that write. */
    public static final String PVC_STATUS_WRITE = "PUT persistentvolumeclaims/status";
    public static final String PV_WRITE = "PUT persistentvolumes";
    public static final String EVENT_WRITE = "POST events";
    public static final String PVC_READ = "GET persistentvolumeclaims";
    public static final String PV_READ = "GET persistentvolumes";

    private static final Map<String, String> METHODS = Map.of("get", "GET", "list", "LIST", "watch", "WATCH",
            "create", "POST", "update", "PUT", "patch", "PATCH", "delete", "DELETE", "deletecollection", "DELETE");

    private final JsonMapper json = JsonMapper.builder().build();
    private final Path auditLog;
    private final String user;
    private final Map<String, Long> counts = new TreeMap<>();
    private long offset;

    /** Counts requests of {@code user} (e.g. {@code system:serviceaccount:pvc-resizer:watcher-service}) from now on. */
    public ApiRequestCounter(Path auditLog, String user) throws IOException {
        this.auditLog = auditLog;
        this.user = user;
        this.offset = Files.exists(auditLog) ? Files.size(auditLog) : 0;
    }

    /** The counts since this counter was made, by kind, including every request answered before the call. */
    public synchronized Map<String, Long> snapshot() throws IOException {
        if (Files.exists(auditLog)) {
            try (RandomAccessFile file = new RandomAccessFile(auditLog.toFile(), "r")) {
                long end = file.length();
                if (end < offset) {
                    offset = 0; // rotated
                }
                file.seek(offset);
                byte[] tail = new byte[(int) Math.min(Integer.MAX_VALUE - 8, end - offset)];
                file.readFully(tail);
                String text = new String(tail, StandardCharsets.UTF_8);
                int complete = text.lastIndexOf('\n') + 1;
                for (String line : text.substring(0, complete).split("\n")) {
                    count(line);
                }
                offset += text.substring(0, complete).getBytes(StandardCharsets.UTF_8).length;
            }
        }
        return new TreeMap<>(counts);
    }

    private void count(String line) {
        if (line.isBlank()) {
            return;
        }
        JsonNode event = json.readTree(line);
        if (!user.equals(event.path("user").path("username").asString())) {
            return;
        }
        counts.merge(kind(event), 1L, Long::sum);
    }

    /** {@code GET persistentvolumeclaims}, {@code PUT persistentvolumeclaims/status}, {@code LIST pods}, … */
    static String kind(JsonNode event) {
        String verb = event.path("verb").asString();
        JsonNode ref = event.path("objectRef");
        String resource = ref.has("resource") ? ref.path("resource").asString() : event.path("requestURI").asString();
        String sub = ref.has("subresource") ? ref.path("subresource").asString() : "";
        return METHODS.getOrDefault(verb, verb.toUpperCase(java.util.Locale.ROOT)) + " " + resource
                + (sub.isEmpty() ? "" : "/" + sub);
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

    @Override
    public void close() {
    }
}
