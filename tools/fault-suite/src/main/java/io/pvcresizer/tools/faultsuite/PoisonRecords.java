package io.pvcresizer.tools.faultsuite;

import io.pvcresizer.common.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Records no pvc-resizer service can use, as a buggy or newer producer would write them: bytes that are not JSON, JSON
 * that is not an event, an unknown event type, and a known type at a schema version from the future.
 */
public final class PoisonRecords {

    /** One record to inject: where, under which key, and its raw value. */
    public record Poison(String topic, String key, byte[] value) { }

    private PoisonRecords() {
    }

    /** Five poison records for each topic a service consumes; node requests keyed to {@code node} so its agent reads them. */
    public static List<Poison> all(String node) {
        List<Poison> poisons = new ArrayList<>();
        String[][] topics = {
                {Topics.VOLUME_REQUESTS.name(), "poison"},
                {Topics.VOLUME_RESULTS.name(), "poison"},
                {Topics.NODE_REQUESTS.name(), node},
                {Topics.NODE_RESULTS.name(), node}};
        for (String[] topic : topics) {
            for (String value : List.of(
                    "not JSON \u0000\u00ff at all",
                    "[1, 2, 3]",
                    "{\"header\": {\"schemaVersion\": 1}}",
                    "{\"type\": \"VolumeShrinkRequested\", \"header\": {\"schemaVersion\": 1}}",
                    "{\"type\": \"VolumeExpansionRequested\", \"header\": {\"schemaVersion\": 99, \"eventId\": \"e-99\"}}")) {
                poisons.add(new Poison(topic[0], topic[1], value.getBytes(StandardCharsets.UTF_8)));
            }
        }
        return poisons;
    }
}
