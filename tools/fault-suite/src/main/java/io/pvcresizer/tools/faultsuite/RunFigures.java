package io.pvcresizer.tools.faultsuite;

import java.time.Duration;
import java.util.List;

/**
 * The figures of one fault run, one row of the reliability table.
 *
 * @param title            what the row is about: the fault's description, or the re-check after the replays
 * @param fault            what was injected
 * @param injectedAfter    when, counted from the first request of the run
 * @param requested        resizes requested
 * @param completed        PVC capacity, image and filesystem all at the target
 * @param failedTruthfully the PVC shows an error and the volume indeed is not grown
 * @param lost             neither completed nor failed truthfully (must be 0)
 * @param overgrown        volumes grown beyond their target (must be 0)
 * @param duplicateEffects success events beyond one per step and claim (must be 0)
 * @param failureEvents    failure events shown on the claims while the fault lasted
 * @param deadLetters      records added to the dead-letter topics during the run
 * @param latencies        request to new capacity of each completed claim, sorted
 * @param growth           real growths and already-grown findings of backend and node agent, where counted, else null
 * @param note             what happened when the fault was injected
 * @param problems         one line for each lost or overgrown claim
 */
public record RunFigures(String title, Fault fault, Duration injectedAfter, int requested, long completed, long failedTruthfully,
                         long lost, int overgrown, int duplicateEffects, int failureEvents, long deadLetters,
                         List<Duration> latencies, GrowthCounts growth, String note, List<String> problems) {

    /** The {@code p}-th percentile (0–100) of the latencies, or null when none completed. */
    public Duration latency(double p) {
        if (latencies.isEmpty()) {
            return null;
        }
        int index = (int) Math.ceil(p / 100.0 * latencies.size()) - 1;
        return latencies.get(Math.max(0, Math.min(latencies.size() - 1, index)));
    }
}
