package io.pvcresizer.tools.faultsuite;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Settings of a fault-suite run, from the command line.
 *
 * @param pvcs             resizes per fault
 * @param spread           over how long each run's requests are raised (the fault lands at a random moment in it)
 * @param settle           how long a run may take to end after its requests
 * @param seed             seed of the random moments, printed so a run can be repeated
 * @param faults           which faults to run, in order
 * @param failedRetryAfter the watcher's slow re-request of a failed resize (five minutes in production)
 * @param redriveAfter     the watcher's re-drive of a step that got no answer (two minutes in production)
 * @param outage           how long the backend outage lasts
 * @param out              where the JSON report goes
 * @param keep             keep the work directory (service and broker logs) after the run
 */
public record FaultSuiteOptions(int pvcs, Duration spread, Duration settle, long seed, List<Fault> faults,
                                Duration failedRetryAfter, Duration redriveAfter, Duration outage, Path out,
                                boolean keep) {

    /** Parses {@code --pvcs 50 --spread 5s --settle 240s --seed 1 --faults A,B --out file}; unknown options are refused. */
    public static FaultSuiteOptions parse(String... args) {
        int pvcs = 50;
        Duration spread = Duration.ofSeconds(5);
        Duration settle = Duration.ofMinutes(4);
        long seed = System.currentTimeMillis();
        List<Fault> faults = Arrays.asList(Fault.values());
        Duration failedRetryAfter = Duration.ofSeconds(10);
        Duration redriveAfter = Duration.ofSeconds(20);
        Duration outage = Duration.ofSeconds(10);
        Path out = Path.of("target", "fault-suite.json");
        boolean keep = false;
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + args[i] + " needs a value");
            }
            String value = args[i + 1];
            switch (args[i]) {
                case "--pvcs" -> pvcs = Integer.parseInt(value);
                case "--spread" -> spread = duration(value);
                case "--settle" -> settle = duration(value);
                case "--seed" -> seed = Long.parseLong(value);
                case "--faults" -> {
                    List<Fault> chosen = new ArrayList<>();
                    for (String name : value.split(",")) {
                        chosen.add(fault(name));
                    }
                    faults = chosen;
                }
                case "--failed-retry-after" -> failedRetryAfter = duration(value);
                case "--redrive-after" -> redriveAfter = duration(value);
                case "--outage" -> outage = duration(value);
                case "--out" -> out = Path.of(value);
                case "--keep" -> keep = Boolean.parseBoolean(value);
                default -> throw new IllegalArgumentException("unknown option " + args[i]
                        + " (known: --pvcs --spread --settle --seed --faults --failed-retry-after --redrive-after --outage --out --keep)");
            }
        }
        if (pvcs < 1) {
            throw new IllegalArgumentException("--pvcs must be at least 1");
        }
        return new FaultSuiteOptions(pvcs, spread, settle, seed, List.copyOf(faults), failedRetryAfter, redriveAfter,
                outage, out, keep);
    }

    private static Fault fault(String name) {
        try {
            return Fault.valueOf(name.strip().toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown fault " + name + " (known: " + Arrays.stream(Fault.values())
                    .map(f -> f.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')).toList() + ")", e);
        }
    }

    /** {@code 500ms}, {@code 5s}, {@code 2m}. */
    static Duration duration(String text) {
        String t = text.strip().toLowerCase(java.util.Locale.ROOT);
        if (t.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
        }
        if (t.endsWith("s")) {
            return Duration.ofMillis((long) (Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
        }
        if (t.endsWith("m")) {
            return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)) * 60);
        }
        throw new IllegalArgumentException("not a duration: " + text + " (use 500ms, 5s or 2m)");
    }
}
