package io.pvcresizer.tools.benchmark;

import java.util.Arrays;
import java.util.Collection;

/**
 * Summary of a sample of durations in milliseconds: count, mean, p50, p99 and max, percentiles by the nearest-rank
 * method (the smallest value that at least p % of the sample does not exceed).
 */
public record Percentiles(int count, double mean, double p50, double p99, double max) {

    /** The summary of an empty sample: every figure NaN. */
    public static final Percentiles EMPTY = new Percentiles(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);

    /** Summarises {@code millis}. */
    public static Percentiles of(Collection<Double> millis) {
        return of(millis.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** Summarises {@code millis}. */
    public static Percentiles of(double[] millis) {
        if (millis.length == 0) {
            return EMPTY;
        }
        double[] sorted = millis.clone();
        Arrays.sort(sorted);
        double sum = 0;
        for (double value : sorted) {
            sum += value;
        }
        return new Percentiles(sorted.length, sum / sorted.length, rank(sorted, 50), rank(sorted, 99), sorted[sorted.length - 1]);
    }

    private static double rank(double[] sorted, double percent) {
        int index = (int) Math.ceil(percent / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    /** {@code p50 / p99 / max} in ms, for a table cell. */
    public String describe() {
        return count == 0 ? "-" : String.format("%.1f / %.1f / %.1f ms", p50, p99, max);
    }
}
