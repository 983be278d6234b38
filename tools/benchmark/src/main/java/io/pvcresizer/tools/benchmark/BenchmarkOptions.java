package io.pvcresizer.tools.benchmark;

import io.pvcresizer.testkit.ServiceProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmark's command line: {@code --name value} or {@code --name=value} pairs, each with a default.
 *
 * @param pvcs         claims resized at once for the throughput figure ({@code --pvcs}, 1000)
 * @param rate         resizes started per second for the latency figures ({@code --rate}, 50)
 * @param duration     how long that steady load lasts ({@code --duration}, 30s; {@code 10s}, {@code 2m} or seconds)
 * @param rbd          RBD-backed volumes resized for real, 0 to skip ({@code --rbd}, 0)
 * @param cachePvcs    claims in the API server when the watcher's memory is read the last time ({@code --cache-pvcs}, 10000)
 * @param nodes        nodes, each with its fs-service, the claims' pods are spread over ({@code --nodes}, 2)
 * @param warmUp       resizes done before anything is measured, to warm the JVMs up ({@code --warm-up}, 50)
 * @param kafkaSamples raw Kafka round trips measured ({@code --kafka-samples}, 500)
 * @param jvmFlags     flags of the watcher's and resize-service's JVMs, comma-separated ({@code --jvm-flags}, the demo's)
 * @param fsJvmFlags   flags of each node agent's JVM ({@code --fs-jvm-flags}, sized for a small DaemonSet footprint)
 * @param out          where the JSON report goes ({@code --out}, target/benchmark.json)
 */
public record BenchmarkOptions(int pvcs, double rate, Duration duration, int rbd, int cachePvcs, int nodes, int warmUp,
                               int kafkaSamples, List<String> jvmFlags, List<String> fsJvmFlags, Path out) {

    /** The flags the demo and the tests run the services with ({@code ServiceProcess.JVM_FLAGS}). */
    public static final List<String> DEFAULT_JVM_FLAGS = io.pvcresizer.testkit.ServiceProcess.JVM_FLAGS;

    /**
     * The node agent's: it runs on every node, so its footprint counts once per node. Heap, metaspace, code cache and
     * direct memory bounded, one compiler thread, small thread stacks.
     */
    public static final List<String> DEFAULT_FS_JVM_FLAGS = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-XX:CICompilerCount=1", "-Xss256k", "-Xms16m", "-Xmx48m", "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=30",
            "-XX:MaxMetaspaceSize=96m", "-XX:ReservedCodeCacheSize=16m", "-XX:MaxDirectMemorySize=16m");

    private static final String USAGE = """
            usage: PipelineBenchmark [--pvcs N] [--rate R] [--duration D] [--rbd M] [--cache-pvcs C] [--nodes K]
                                     [--warm-up W] [--kafka-samples S] [--jvm-flags f1,f2,...]
                                     [--fs-jvm-flags f1,f2,...] [--out FILE]""";

    /** Parses the command line. */
    public static BenchmarkOptions parse(String... args) {
        Map<String, String> given = new LinkedHashMap<>();
        List<String> words = new ArrayList<>();
        for (String arg : args) {
            // exec:java passes -Dexec.args as one string when it is quoted oddly: split on blanks again
            words.addAll(Arrays.asList(arg.trim().split("\\s+")));
        }
        words.removeIf(String::isEmpty);
        for (int i = 0; i < words.size(); i++) {
            String word = words.get(i);
            if (!word.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument \"" + word + "\"\n" + USAGE);
            }
            int eq = word.indexOf('=');
            if (eq > 0) {
                given.put(word.substring(2, eq), word.substring(eq + 1));
            } else if (i + 1 < words.size()) {
                given.put(word.substring(2), words.get(++i));
            } else {
                throw new IllegalArgumentException(word + " needs a value\n" + USAGE);
            }
        }
        BenchmarkOptions options = new BenchmarkOptions(
                integer(given.remove("pvcs"), 1000),
                Double.parseDouble(given.getOrDefault("rate", "50")),
                duration(given.getOrDefault("duration", "30s")),
                integer(given.remove("rbd"), 0),
                integer(given.remove("cache-pvcs"), 10_000),
                integer(given.remove("nodes"), 2),
                integer(given.remove("warm-up"), 50),
                integer(given.remove("kafka-samples"), 500),
                given.containsKey("jvm-flags") ? List.of(given.get("jvm-flags").split(",")) : DEFAULT_JVM_FLAGS,
                given.containsKey("fs-jvm-flags") ? List.of(given.get("fs-jvm-flags").split(",")) : DEFAULT_FS_JVM_FLAGS,
                Path.of(given.getOrDefault("out", "target/benchmark.json")));
        given.keySet().removeAll(List.of("rate", "duration", "jvm-flags", "fs-jvm-flags", "out"));
        if (!given.isEmpty()) {
            throw new IllegalArgumentException("unknown option(s) " + given.keySet() + "\n" + USAGE);
        }
        if (options.pvcs < 1 || options.rate <= 0 || options.nodes < 1 || options.rbd < 0 || options.kafkaSamples < 1) {
            throw new IllegalArgumentException("--pvcs, --rate, --nodes and --kafka-samples must be positive, --rbd not negative");
        }
        if (options.steadyResizes() < 1) {
            throw new IllegalArgumentException("--rate × --duration must start at least one resize");
        }
        return options;
    }

    /** How many resizes the steady load starts: rate × duration. */
    public int steadyResizes() {
        return (int) Math.round(rate * duration.toMillis() / 1000.0);
    }

    private static int integer(String value, int otherwise) {
        return value == null ? otherwise : Integer.parseInt(value.replace("_", ""));
    }

    private static Duration duration(String value) {
        String v = value.trim().toLowerCase(java.util.Locale.ROOT);
        if (v.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
        }
        if (v.endsWith("s")) {
            return Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
        }
        if (v.endsWith("m")) {
            return Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 60_000));
        }
        return Duration.ofMillis(Math.round(Double.parseDouble(v) * 1000));
    }

    /** The options as they go into the JSON report. */
    public Map<String, Object> asMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("pvcs", pvcs);
        map.put("rate", rate);
        map.put("durationSeconds", duration.toMillis() / 1000.0);
        map.put("rbd", rbd);
        map.put("cachePvcs", cachePvcs);
        map.put("nodes", nodes);
        map.put("warmUp", warmUp);
        map.put("kafkaSamples", kafkaSamples);
        map.put("jvmFlags", jvmFlags);
        map.put("fsJvmFlags", fsJvmFlags);
        return map;
    }
}
