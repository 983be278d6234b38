package io.pvcresizer.tools.benchmark;

import io.pvcresizer.testkit.ServiceProcess;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pvcresizer.testkit.ClusterObjects;
import io.pvcresizer.testkit.LocalCluster;
import io.pvcresizer.tools.benchmark.StageTimeline.Step;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The pipeline benchmark: in one run on one machine, the ceilings of the broker and the API server, then the
 * pipeline's throughput, latency, real-backend overhead and memory, each printed beside the baseline it is compared
 * with; a table on stdout and a JSON document ({@code --out}). See {@code docs/performance.md}.
 */
public final class PipelineBenchmark {

    /** The reference: the Kubernetes external-resizer's defaults (10 workers, 5 qps) cap it near 2 resizes/s. */
    static final double EXTERNAL_RESIZER_PER_SECOND = 2.0;

    private static final String FROM = "1Gi";
    private static final String TO = "2Gi";
    private static final Duration API_RATE_WINDOW = Duration.ofSeconds(3);
    private static final int API_WRITERS = 4;
    private static final int EDITORS = 4;
    /** How long no resize may complete before the benchmark stops waiting for the rest. */
    private static final Duration STALL = Duration.ofSeconds(60);

    private final BenchmarkOptions options;
    private final PrintStream out;
    private final long started = System.nanoTime();

    private PipelineBenchmark(BenchmarkOptions options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    /** The API server's request log, silenced (it would log every request to stdout); held so the setting stays. */
    private static final java.util.logging.Logger MOCK_SERVER_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    public static void main(String[] args) {
        MOCK_SERVER_LOG.setLevel(java.util.logging.Level.WARNING);
        BenchmarkOptions options;
        try {
            options = BenchmarkOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        int code;
        try {
            code = new PipelineBenchmark(options, System.out).run();
        } catch (Exception e) {
            System.out.println("[bench] failed: " + e);
            e.printStackTrace(System.out);
            code = 1;
        }
        System.exit(code);
    }

    private int run() throws Exception {
        Path work = Files.createTempDirectory("pvc-resizer-bench");
        List<String> nodes = new ArrayList<>();
        for (int i = 0; i < options.nodes(); i++) {
            nodes.add("node-" + (char) ('a' + i % 26) + (i >= 26 ? Integer.toString(i / 26) : ""));
        }
        BenchmarkReport report = new BenchmarkReport(machine(), options.asMap());
        say("work directory " + work + "; service logs in " + work.resolve("logs"));
        say("starting a Kafka broker and the Kubernetes control plane…");
        try (LocalCluster cluster = LocalCluster.start(System.getenv("KAFKA_BOOTSTRAP_SERVERS"), work.resolve("images"),
                work.resolve("kubelet"));
             ApiRequestCounter requests = new ApiRequestCounter(cluster.kube().auditLog(),
                     "system:serviceaccount:" + LocalCluster.WATCHER_NAMESPACE + ":" + LocalCluster.WATCHER_ACCOUNT)) {
            KubernetesClient client = cluster.client();

            // 1. Ceilings, before anything else runs.
            say("ceilings: " + options.kafkaSamples() + " raw Kafka round trips…");
            Percentiles kafka = KafkaRoundTrip.measure(cluster.bootstrapServers(), options.kafkaSamples());
            say("ceilings: raw PVC status writes for " + API_RATE_WINDOW.toSeconds() + " s with 1 and " + API_WRITERS + " writers…");
            double apiSerial = ApiWriteRate.measure(client, 1, API_RATE_WINDOW);
            double apiParallel = ApiWriteRate.measure(client, API_WRITERS, API_RATE_WINDOW);
            report.section("ceilings", "1. Ceilings, measured first (same broker, same API server, same client)")
                    .row("Kafka produce→consume, p50/p99/max", kafka.describe(), "", "")
                    .row("API server PVC status writes/s, 1 writer", String.format("%.0f/s", apiSerial), "", "")
                    .row("API server PVC status writes/s, " + API_WRITERS + " writers", String.format("%.0f/s", apiParallel), "", "")
                    .put("kafkaRoundTrip", kafka)
                    .put("apiStatusWritesPerSecond1Writer", apiSerial)
                    .put("apiStatusWritesPerSecond" + API_WRITERS + "Writers", apiParallel);

            // resize-service is given the Ceph cluster's conf and keyring when it starts; the cluster itself starts
            // only for its part, so that its daemons do not run during the other measurements.
            BenchCeph ceph = null;
            String cephSkipped = null;
            if (options.rbd() > 0) {
                Optional<String> why = BenchCeph.unavailable();
                if (why.isPresent()) {
                    cephSkipped = why.get();
                } else {
                    ceph = BenchCeph.prepare(work.resolve("ceph"));
                }
            } else {
                cephSkipped = "--rbd 0 (--rbd M resizes M RBD volumes, against M with the bare commands)";
            }
            try {
                measurePipeline(cluster, requests, nodes, work, report, kafka, apiSerial, apiParallel, ceph, cephSkipped);
            } finally {
                if (ceph != null) {
                    ceph.close();
                }
            }
        }
        report.print(out);
        report.writeJson(options.out());
        say("JSON report written to " + options.out().toAbsolutePath());
        return 0;
    }

    private void measurePipeline(LocalCluster cluster, ApiRequestCounter requests, List<String> nodes, Path work,
                                 BenchmarkReport report, Percentiles kafka, double apiSerial, double apiParallel,
                                 BenchCeph ceph, String cephSkipped) throws Exception {
        KubernetesClient client = cluster.client();
        BenchVolumes volumes = new BenchVolumes(client, nodes);
        volumes.createStorageClass();
        int steadyCount = options.steadyResizes();
        say("creating " + (options.warmUp() + options.pvcs() + steadyCount) + " bound claims with a running pod each on "
                + nodes.size() + " node(s)…");
        List<String> warm = volumes.create("warm", options.warmUp(), FROM, BenchServices.DRIVER, true);
        List<String> burst = volumes.create("burst", options.pvcs(), FROM, BenchServices.DRIVER, true);
        List<String> steady = volumes.create("steady", steadyCount, FROM, BenchServices.DRIVER, true);

        try (StageTimeline timeline = new StageTimeline(cluster.bootstrapServers());
             ClaimCompletions completions = new ClaimCompletions(client, ClusterObjects.NAMESPACE)) {
            say("starting watcher-service, resize-service and " + nodes.size() + " fs-service(s) as separate JVMs ("
                    + String.join(" ", options.jvmFlags()) + "; node agents: " + String.join(" ", options.fsJvmFlags()) + ")…");
            BenchServices.Ceph cephAccess = ceph == null ? null
                    : new BenchServices.Ceph(BenchCeph.CLUSTER_ID, ceph.conf(), ceph.keyring());
            try (BenchServices services = BenchServices.start(cluster, nodes, options.jvmFlags(), options.fsJvmFlags(), work, cephAccess)) {
                for (ServiceProcess jvm : services.jvms()) {
                    say(String.format("  %-18s pid %-7d log %s", jvm.name(), jvm.pid(), jvm.log()));
                }
                Thread.sleep(5000);
                Map<String, ProcessMemory> idle = memory(services);

                say("warm-up: " + warm.size() + " resizes…");
                resizeAll(volumes, completions, warm);
                int warmed = completions.await(warm, Duration.ofMinutes(3));
                if (warmed < warm.size()) {
                    throw new IllegalStateException("warm-up: only " + warmed + " of " + warm.size()
                            + " resizes completed within 3 min; see the service logs in " + work.resolve("logs"));
                }

                measureThroughput(report, requests, volumes, completions, burst, apiSerial, apiParallel);
                measureLatency(report, volumes, completions, timeline, steady, kafka);
                Map<String, ProcessMemory> loaded = memory(services);

                measureRbd(report, volumes, completions, cluster, work, nodes.get(0), ceph, cephSkipped);
                measureMemory(report, services, volumes, completions, idle, loaded);
            }
        }
    }

    private void measureThroughput(BenchmarkReport report, ApiRequestCounter requests, BenchVolumes volumes,
                                   ClaimCompletions completions, List<String> burst, double apiSerial, double apiParallel)
            throws Exception {
        say("throughput: " + burst.size() + " claims resized at once…");
        Thread.sleep(2000);
        Map<String, Long> before = requests.snapshot();
        List<Instant> sent = resizeAll(volumes, completions, burst);
        int done = completions.awaitProgress(burst, STALL);
        Instant first = sent.stream().min(Instant::compareTo).orElseThrow();
        Instant last = burst.stream().map(completions::completedAt).filter(java.util.Objects::nonNull)
                .max(Instant::compareTo).orElse(first);
        Instant editsDone = sent.stream().max(Instant::compareTo).orElseThrow();
        // The last writes of a resize (PV annotation, events) follow its capacity write: let them land.
        Thread.sleep(2000);
        Map<String, Long> perKind = ApiRequestCounter.difference(requests.snapshot(), before);
        double seconds = Duration.between(first, last).toNanos() / 1e9;
        double perSecond = done / seconds;
        long statusWrites = perKind.getOrDefault(ApiRequestCounter.PVC_STATUS_WRITE, 0L);
        long benchEdits = perKind.getOrDefault("PATCH persistentvolumeclaims", 0L);
        long writes = 0;
        long reads = 0;
        for (Map.Entry<String, Long> e : perKind.entrySet()) {
            String kind = e.getKey();
            if (kind.endsWith(" leases") || kind.startsWith("WATCH ")) {
                continue;
            }
            if (kind.startsWith("GET ") || kind.startsWith("LIST ")) {
                reads += e.getValue();
            } else {
                writes += e.getValue();
            }
        }
        writes -= benchEdits;
        double writesPerResize = (double) writes / done;
        double readsPerResize = (double) reads / done;
        double ceilingParallel = apiParallel / writesPerResize;
        double ceilingSerial = apiSerial / writesPerResize;
        report.section("throughput", String.format("2. Throughput: %d claims resized at once (instant backend, online node growth faked)", burst.size()))
                .row("completed resizes", done + " of " + burst.size(), "", "")
                .row("completed resizes/s (first edit → last capacity)", String.format("%.1f/s", perSecond),
                        String.format("API ceiling %.0f/s ÷ %.2f writes = %.1f/s", apiParallel, writesPerResize, ceilingParallel),
                        String.format("%.2f", perSecond / ceilingParallel))
                .row("", "", String.format("1-writer ceiling %.0f/s ÷ %.2f writes = %.1f/s", apiSerial, writesPerResize, ceilingSerial),
                        String.format("%.2f", perSecond / ceilingSerial))
                .row("", "", String.format("external-resizer defaults ≈ %.0f/s (issue)", EXTERNAL_RESIZER_PER_SECOND),
                        String.format("%.0f×", perSecond / EXTERNAL_RESIZER_PER_SECOND))
                .row("API writes per resize (watcher)", String.format("%.2f (PVC status %.2f)", writesPerResize, (double) statusWrites / done), "", "")
                .row("API reads per resize (watcher)", String.format("%.2f", readsPerResize), "", "")
                .row("edits sent in", String.format("%.2f s", Duration.between(first, editsDone).toNanos() / 1e9), "", "")
                .put("claims", burst.size())
                .put("completed", done)
                .put("seconds", seconds)
                .put("resizesPerSecond", perSecond)
                .put("apiWritesPerResize", writesPerResize)
                .put("apiReadsPerResize", readsPerResize)
                .put("apiCeilingResizesPerSecond", ceilingParallel)
                .put("ratioToApiCeiling", perSecond / ceilingParallel)
                .put("apiCeilingResizesPerSecond1Writer", ceilingSerial)
                .put("ratioToApiCeiling1Writer", perSecond / ceilingSerial)
                .put("ratioToExternalResizerDefaults", perSecond / EXTERNAL_RESIZER_PER_SECOND)
                .put("apiRequestsByKind", perKind);
    }

    private void measureLatency(BenchmarkReport report, BenchVolumes volumes, ClaimCompletions completions,
                                StageTimeline timeline, List<String> steady, Percentiles kafka) throws Exception {
        say(String.format("latency: %d resizes at %.0f/s for %.0f s…", steady.size(), options.rate(),
                options.duration().toMillis() / 1000.0));
        Map<String, Instant> sent = new java.util.concurrent.ConcurrentHashMap<>();
        ExecutorService editors = Executors.newFixedThreadPool(EDITORS);
        long period = Math.round(1e9 / options.rate());
        long start = System.nanoTime();
        try {
            for (int i = 0; i < steady.size(); i++) {
                long due = start + i * period;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                String claim = steady.get(i);
                completions.expect(claim, TO);
                editors.execute(() -> sent.put(claim, volumes.request(claim, TO)));
            }
            editors.shutdown();
            editors.awaitTermination(1, TimeUnit.MINUTES);
        } finally {
            editors.shutdownNow();
        }
        Instant firstSent = sent.values().stream().min(Instant::compareTo).orElseThrow();
        Instant lastSent = sent.values().stream().max(Instant::compareTo).orElseThrow();
        double achievedRate = sent.size() < 2 ? Double.NaN
                : (sent.size() - 1) / (Duration.between(firstSent, lastSent).toNanos() / 1e9);
        int done = completions.awaitProgress(steady, STALL);
        List<Double> total = new ArrayList<>();
        Map<String, List<Double>> stages = new LinkedHashMap<>();
        String[] stageNames = {
            "edit → VolumeExpansionRequested (watch, decide)",
            "→ VolumeExpanded (status write, event, Kafka, backend)",
            "→ FilesystemExpansionRequested (Kafka, PV + status writes, event)",
            "→ FilesystemExpanded (status write, Kafka, fs-service)",
            "→ status.capacity seen (Kafka, PVC + PV writes, watch)"};
        for (String name : stageNames) {
            stages.put(name, new ArrayList<>());
        }
        int withAllSteps = 0;
        for (String claim : steady) {
            Instant edit = sent.get(claim);
            Instant end = completions.completedAt(claim);
            if (edit == null || end == null) {
                continue;
            }
            total.add(millis(edit, end));
            if (!timeline.awaitAll(claim, Duration.ofSeconds(2))) {
                continue;
            }
            withAllSteps++;
            Instant[] points = {edit, timeline.at(claim, Step.VOLUME_REQUESTED), timeline.at(claim, Step.VOLUME_EXPANDED),
                timeline.at(claim, Step.NODE_REQUESTED), timeline.at(claim, Step.FILESYSTEM_EXPANDED), end};
            for (int s = 0; s < stageNames.length; s++) {
                stages.get(stageNames[s]).add(millis(points[s], points[s + 1]));
            }
        }
        Percentiles endToEnd = Percentiles.of(total);
        BenchmarkReport.Section section = report.section("latency", String.format(
                "3. Latency at a steady %.0f/s for %.0f s (instant backend, online node growth faked)", options.rate(),
                options.duration().toMillis() / 1000.0));
        section.row("resizes completed", done + " of " + steady.size(), "", "")
                .row("offered rate achieved", String.format("%.1f/s", achievedRate), "", "")
                .row("edit → status.capacity, p50/p99/max", endToEnd.describe(),
                        String.format("Kafka hop %.1f / %.1f ms", kafka.p50(), kafka.p99()),
                        String.format("%.1f× / %.1f×", endToEnd.p50() / kafka.p50(), endToEnd.p99() / kafka.p99()))
                .put("offered", steady.size())
                .put("completed", done)
                .put("achievedRatePerSecond", achievedRate)
                .put("editToCapacity", endToEnd)
                .put("ratioP50ToKafkaHopP50", endToEnd.p50() / kafka.p50())
                .put("ratioP99ToKafkaHopP99", endToEnd.p99() / kafka.p99())
                .put("resizesWithAllEvents", withAllSteps);
        double sumOfMeans = stages.values().stream().mapToDouble(v -> Percentiles.of(v).mean()).sum();
        Map<String, Object> stageJson = new LinkedHashMap<>();
        int s = 1;
        for (Map.Entry<String, List<Double>> stage : stages.entrySet()) {
            Percentiles p = Percentiles.of(stage.getValue());
            double share = p.mean() / sumOfMeans;
            section.row(String.format("  %d %s", s, stage.getKey()),
                    String.format("p50 %.1f ms, p99 %.1f ms, %2.0f%% of mean", p.p50(), p.p99(), 100 * share),
                    String.format("Kafka hop p50 %.1f ms", kafka.p50()), String.format("%.1f×", p.p50() / kafka.p50()));
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("stage", stage.getKey());
            one.put("durations", p);
            one.put("shareOfMean", share);
            one.put("ratioP50ToKafkaHopP50", p.p50() / kafka.p50());
            stageJson.put("stage" + s++, one);
        }
        section.put("stages", stageJson);
    }

    private void measureRbd(BenchmarkReport report, BenchVolumes volumes, ClaimCompletions completions,
                            LocalCluster cluster, Path work, String node, BenchCeph ceph, String skipped) throws Exception {
        BenchmarkReport.Section section = report.section("rbd", "4. Real backend overhead: RBD + xfs through the pipeline vs the bare commands");
        if (ceph == null) {
            say("real backend: skipped, " + skipped);
            section.row("RBD volumes", "skipped", skipped, "").put("skipped", skipped);
            return;
        }
        say("real backend: starting a throwaway Ceph cluster…");
        try {
            ceph.start();
        } catch (RuntimeException e) {
            String why = "the Ceph cluster did not start: " + e.getMessage();
            say("real backend: skipped, " + why);
            section.row("RBD volumes", "skipped", why, "").put("skipped", why);
            return;
        }
        say("real backend: " + options.rbd() + " RBD volumes through the pipeline, " + options.rbd() + " with the bare commands…");
        RbdOverhead.Result result = RbdOverhead.measure(ceph, volumes, completions, cluster.kubeletRoot(),
                work.resolve("rbd-mounts"), node, options.rbd());
        section.row("pipeline, edit → capacity, mean (p50/p99/max)", String.format("%.0f ms (%s)", result.pipeline().mean(),
                        result.pipeline().describe()),
                        String.format("rbd resize + losetup -c + xfs_growfs %.0f ms (%s)", result.direct().mean(), result.direct().describe()),
                        String.format("%.2f×", result.ratio()))
                .put("volumes", options.rbd())
                .put("pipeline", result.pipeline())
                .put("direct", result.direct())
                .put("ratio", result.ratio());
    }

    private void measureMemory(BenchmarkReport report, BenchServices services, BenchVolumes volumes,
                               ClaimCompletions completions, Map<String, ProcessMemory> idle,
                               Map<String, ProcessMemory> loaded) throws Exception {
        int claims = volumes.claimCount();
        int extra = Math.max(0, options.cachePvcs() - claims - 1);
        say("memory: filling the API server to " + (claims + extra + 1) + " claims for the watcher's cache…");
        long fillStart = System.nanoTime();
        volumes.createIdle("cache", extra, FROM, BenchServices.DRIVER);
        say(String.format("memory: %d claims and their PVs created in %.0f s", extra, (System.nanoTime() - fillStart) / 1e9));
        // A claim created after all the others: once it is resized, the watcher has seen every one before it.
        List<String> probe = volumes.create("probe", 1, FROM, BenchServices.DRIVER, true);
        resizeAll(volumes, completions, probe);
        if (completions.await(probe, Duration.ofMinutes(3)) != 1) {
            throw new IllegalStateException("the probe claim after the cache fill was not resized within 3 min");
        }
        Thread.sleep(5000);
        ProcessMemory watcherCached = ProcessMemory.of(services.jvms().get(0).pid());
        BenchmarkReport.Section section = report.section("memory", "5. Memory: RSS of each service JVM, MiB (idle / after the load / peak)");
        Map<String, Object> json = new LinkedHashMap<>();
        for (ServiceProcess jvm : services.jvms()) {
            ProcessMemory before = idle.get(jvm.name());
            ProcessMemory after = loaded.get(jvm.name());
            String target = jvm.name().startsWith("fs-service") ? "target ≤ 128 MiB" : "";
            String ratio = jvm.name().startsWith("fs-service") ? String.format("%.2f", after.rssMiB() / 128) : "";
            section.row(jvm.name(), String.format("%.0f / %.0f / %.0f", before.rssMiB(), after.rssMiB(), after.peakRssMiB()),
                    target, ratio);
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("idleRssMiB", before.rssMiB());
            one.put("loadedRssMiB", after.rssMiB());
            one.put("peakRssMiB", after.peakRssMiB());
            json.put(jvm.name(), one);
        }
        int cached = claims + extra + 1;
        section.row("watcher-service with " + cached + " claims cached",
                        String.format("%.0f (peak %.0f)", watcherCached.rssMiB(), watcherCached.peakRssMiB()),
                        "target ≤ 256 MiB", String.format("%.2f", watcherCached.rssMiB() / 256))
                .put("services", json)
                .put("watcherCachedClaims", cached)
                .put("watcherCachedRssMiB", watcherCached.rssMiB())
                .put("watcherCachedPeakRssMiB", watcherCached.peakRssMiB());
    }

    /** Raises every claim's request to {@link #TO} from a few threads at once; the moments the edits were sent. */
    private static List<Instant> resizeAll(BenchVolumes volumes, ClaimCompletions completions, List<String> claims)
            throws Exception {
        claims.forEach(claim -> completions.expect(claim, TO));
        ExecutorService editors = Executors.newFixedThreadPool(EDITORS);
        try {
            List<Future<Instant>> sent = new ArrayList<>();
            for (String claim : claims) {
                sent.add(editors.submit(() -> volumes.request(claim, TO)));
            }
            List<Instant> times = new ArrayList<>();
            for (Future<Instant> f : sent) {
                times.add(f.get());
            }
            return times;
        } finally {
            editors.shutdownNow();
        }
    }

    private static Map<String, ProcessMemory> memory(BenchServices services) {
        Map<String, ProcessMemory> memory = new LinkedHashMap<>();
        for (ServiceProcess jvm : services.jvms()) {
            memory.put(jvm.name(), ProcessMemory.of(jvm.pid()));
        }
        return memory;
    }

    private static double millis(Instant from, Instant to) {
        return Duration.between(from, to).toNanos() / 1e6;
    }

    private static Map<String, Object> machine() {
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("date", DateTimeFormatter.ISO_LOCAL_DATE.format(Instant.now().atZone(ZoneOffset.UTC)));
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("cpu", cpuModel());
        machine.put("memoryMiB", memTotalMiB());
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        machine.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        return machine;
    }

    private static String cpuModel() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("model name")).findFirst().map(l -> l.substring(l.indexOf(':') + 1).strip())
                    .orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static long memTotalMiB() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/meminfo"))) {
            return lines.filter(l -> l.startsWith("MemTotal:")).findFirst()
                    .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024).orElse(-1L);
        } catch (IOException e) {
            return -1;
        }
    }

    private void say(String line) {
        out.printf("[bench %6.1fs] %s%n", (System.nanoTime() - started) / 1e9, line);
    }
}
