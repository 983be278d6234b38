package io.pvcresizer.tools.faultsuite;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** Renders the fault runs as the Markdown table of the reliability document, and as JSON. */
public final class ReliabilityReport {

    private ReliabilityReport() {
    }

    /** The Markdown table, one row per run. */
    public static String table(List<RunFigures> runs) {
        StringBuilder out = new StringBuilder();
        out.append("| fault | injected at | requested | completed | failed truthfully | lost | grown beyond target "
                + "| duplicate effects | failure events shown | dead letters | latency p50 / p99 / max | what happened |\n");
        out.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (RunFigures run : runs) {
            out.append("| ").append(run.title())
                    .append(" | ").append(run.injectedAfter() == null ? "–" : seconds(run.injectedAfter()))
                    .append(" | ").append(run.requested())
                    .append(" | ").append(run.completed())
                    .append(" | ").append(run.failedTruthfully())
                    .append(" | ").append(run.lost())
                    .append(" | ").append(run.overgrown())
                    .append(" | ").append(run.duplicateEffects())
                    .append(" | ").append(run.failureEvents())
                    .append(" | ").append(run.deadLetters())
                    .append(" | ").append(seconds(run.latency(50))).append(" / ").append(seconds(run.latency(99)))
                    .append(" / ").append(seconds(run.latency(100)))
                    .append(" | ").append(run.note().isBlank() ? "–" : run.note().replace("|", "/"))
                    .append(" |\n");
        }
        return out.toString();
    }

    /** Writes the runs as JSON to {@code file}. */
    public static void writeJson(List<RunFigures> runs, Path file) {
        String json = runs.stream().map(run -> String.format(Locale.ROOT,
                "  {\"title\": \"%s\", \"fault\": \"%s\", \"injectedAfterMs\": %s, \"requested\": %d, \"completed\": %d, "
                        + "\"failedTruthfully\": %d, \"lost\": %d, \"overgrown\": %d, \"duplicateEffects\": %d, "
                        + "\"failureEvents\": %d, \"deadLetters\": %d, \"latencyP50Ms\": %s, \"latencyP99Ms\": %s, "
                        + "\"latencyMaxMs\": %s, \"note\": \"%s\", \"problems\": [%s]}",
                escape(run.title()), run.fault(), millis(run.injectedAfter()), run.requested(), run.completed(), run.failedTruthfully(),
                run.lost(), run.overgrown(), run.duplicateEffects(), run.failureEvents(), run.deadLetters(),
                millis(run.latency(50)), millis(run.latency(99)), millis(run.latency(100)), escape(run.note()),
                run.problems().stream().map(p -> "\"" + escape(p) + "\"").collect(Collectors.joining(", "))))
                .collect(Collectors.joining(",\n", "[\n", "\n]\n"));
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            Files.writeString(file, json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String seconds(Duration duration) {
        return duration == null ? "–" : String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
    }

    private static String millis(Duration duration) {
        return duration == null ? "null" : Long.toString(duration.toMillis());
    }

    private static String escape(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", " ");
    }
}
