package io.pvcresizer.tools.faultsuite;

import io.pvcresizer.common.testing.LoopVolume;
import io.pvcresizer.testkit.ClusterObjects;
import io.pvcresizer.testkit.Pause;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

/**
 * The fault-injection suite: for each {@link Fault}, N PVCs are resized on the whole installation (services as
 * separate JVMs, a broker process, real loop volumes with ext4) while the fault is injected at a random moment; then
 * every claim is judged (completed, failed truthfully, lost) and the figures are printed as a table. Finally the dead
 * letters are replayed twice and every earlier run is judged again, to show replays change nothing.
 *
 * <p>Run with {@code scripts/fault-suite.sh [--pvcs 50] [--faults kill-resize-service,...] [--seed n]}; needs root.
 */
public final class FaultSuite {

    private static final java.util.logging.Logger MOCK_SERVER_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");
    /** xfs needs 300 MiB at least; it grows online where ext4 needs CAP_SYS_RESOURCE. */
    private static final int SIZE_MI = 320;
    private static final int TARGET_MI = 384;

    private final FaultSuiteOptions options;
    private final PrintStream out;

    public FaultSuite(FaultSuiteOptions options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        FaultSuiteOptions options;
        try {
            options = FaultSuiteOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        List<RunFigures> runs = new FaultSuite(options, System.out).run();
        boolean clean = runs.stream().allMatch(r -> r.lost() == 0 && r.overgrown() == 0 && r.duplicateEffects() == 0);
        System.exit(clean ? 0 : 1);
    }

    /** Runs the chosen faults one after the other on one installation and returns their figures. */
    public List<RunFigures> run() throws Exception {
        if (!LoopVolume.supported()) {
            throw new IllegalStateException("the fault suite needs root, loop devices and mount");
        }
        MOCK_SERVER_LOG.setLevel(java.util.logging.Level.WARNING);
        Path root = Files.createTempDirectory("pvc-resizer-faults");
        out.printf("fault suite: %d resizes per fault, requests spread over %d ms, seed %d, work dir %s%n",
                options.pvcs(), options.spread().toMillis(), options.seed(), root);
        Random random = new Random(options.seed());
        List<RunFigures> runs = new ArrayList<>();
        List<TrialVolumes> allVolumes = new ArrayList<>();
        List<ResizeAudit> audits = new ArrayList<>();
        Instant suiteStart = Instant.now();
        try (FaultStage stage = FaultStage.start(root, options.failedRetryAfter(), options.redriveAfter())) {
            out.printf("installation up after %d s: broker %s, watchers %s and %s, resize-service, fs-service on %s%n",
                    Duration.between(suiteStart, Instant.now()).toSeconds(), stage.bootstrapServers(),
                    FaultStage.WATCHER_A, FaultStage.WATCHER_B, FaultStage.NODE);
            FaultInjector injector = new FaultInjector(stage, Duration.ofSeconds(1), Duration.ofSeconds(5), options.outage());
            int index = 0;
            for (Fault fault : options.faults()) {
                index++;
                TrialVolumes volumes = TrialVolumes.create(stage, "f" + index, options.pvcs(), SIZE_MI);
                allVolumes.add(volumes);
                ResizeAudit audit = new ResizeAudit(stage.cluster().client(), volumes.trials(), TARGET_MI * 1024L * 1024L);
                audits.add(audit);
                RunFigures figures = runOne(stage, injector, fault, volumes, audit, random);
                runs.add(figures);
                out.printf("%-60s requested %d, completed %d, failed truthfully %d, lost %d, overgrown %d, duplicates %d, "
                                + "dead letters %d%s%n", fault.description(), figures.requested(), figures.completed(),
                        figures.failedTruthfully(), figures.lost(), figures.overgrown(), figures.duplicateEffects(),
                        figures.deadLetters(), figures.note().isBlank() ? "" : " (" + figures.note() + ")");
                figures.problems().stream().limit(5).forEach(p -> out.println("    " + p));
            }
            if (options.faults().contains(Fault.DUPLICATES_AND_REPLAY)) {
                runs.add(recheckAfterReplay(stage, audits));
            }
        } finally {
            allVolumes.forEach(TrialVolumes::close);
            boolean clean = runs.stream().allMatch(r -> r.lost() == 0 && r.overgrown() == 0 && r.duplicateEffects() == 0);
            if (clean && !options.keep()) {
                deleteQuietly(root);
            } else {
                out.println("work dir kept, with the service and broker logs: " + root);
            }
        }
        out.println();
        out.print(ReliabilityReport.table(runs));
        out.printf("%nwhole suite: %d s%n", Duration.between(suiteStart, Instant.now()).toSeconds());
        ReliabilityReport.writeJson(runs, options.out());
        out.println("JSON report: " + options.out().toAbsolutePath());
        return runs;
    }

    private RunFigures runOne(FaultStage stage, FaultInjector injector, Fault fault, TrialVolumes volumes,
                              ResizeAudit audit, Random random) throws Exception {
        ClusterObjects objects = new ClusterObjects(stage.cluster().client());
        long deadLettersBefore = stage.deadLetterCount();
        long spreadMs = options.spread().toMillis();
        long injectAtMs = fault == Fault.NONE ? 0 : 300 + (long) (random.nextDouble() * Math.max(1, spreadMs - 300));
        DuplicateDelivery duplicates = fault == Fault.DUPLICATES_AND_REPLAY ? DuplicateDelivery.start(stage.bootstrapServers()) : null;
        GrowthCounts growthBefore = duplicates == null ? null : GrowthCounts.of(stage);
        Instant start = Instant.now();
        CompletableFuture<String> injection = CompletableFuture.supplyAsync(() -> {
            Pause.until(start.plusMillis(injectAtMs));
            return injector.inject(fault);
        });
        List<TrialVolumes.Trial> trials = volumes.trials();
        for (int i = 0; i < trials.size(); i++) {
            Pause.until(start.plusMillis(spreadMs * i / trials.size()));
            String claim = trials.get(i).claim();
            raise(objects, claim);
            audit.requested(claim, Instant.now());
        }
        String note = injection.get();
        GrowthCounts growth = null;
        audit.awaitSettled(options.settle());
        if (duplicates != null) {
            // Duplicates that arrive after the first copy was handled are the interesting ones: let them all land.
            Pause.of(Duration.ofSeconds(5));
            duplicates.close();
            growth = GrowthCounts.of(stage).minus(growthBefore);
            note = duplicates.copies() + " requests delivered a second time; backend grew " + growth.volumesGrown()
                    + " volumes and found " + growth.volumesAtSize() + " at size, fs-service grew " + growth.filesystemsGrown()
                    + " filesystems and found " + growth.filesystemsAtSize() + " grown";
        }
        ResizeAudit.Verdict verdict = audit.verdict();
        long deadLetters = stage.deadLetterCount() - deadLettersBefore;
        return figures(fault, fault == Fault.NONE ? null : Duration.ofMillis(injectAtMs), verdict, deadLetters, growth, note);
    }

    /** Replays every dead letter twice, lets the replays be handled, and judges every earlier run's claims again. */
    private RunFigures recheckAfterReplay(FaultStage stage, List<ResizeAudit> audits) {
        long before = stage.deadLetterCount();
        GrowthCounts growthBefore = GrowthCounts.of(stage);
        String first = DeadLetterReplay.replayAll(stage.bootstrapServers(), stage.cluster().watcherKubeconfig());
        DeadLetterReplay.replayAll(stage.bootstrapServers(), stage.cluster().watcherKubeconfig());
        out.println("dead letters replayed twice: " + lastLine(first));
        Pause.of(Duration.ofSeconds(15));
        GrowthCounts growth = GrowthCounts.of(stage).minus(growthBefore);
        long completed = 0;
        long failed = 0;
        long lost = 0;
        int overgrown = 0;
        int duplicates = 0;
        int requested = 0;
        List<String> problems = new ArrayList<>();
        for (ResizeAudit audit : audits) {
            ResizeAudit.Verdict verdict = audit.verdict();
            requested += verdict.outcomes().size();
            completed += verdict.count(ResizeAudit.Outcome.COMPLETED);
            failed += verdict.count(ResizeAudit.Outcome.FAILED_TRUTHFULLY);
            lost += verdict.count(ResizeAudit.Outcome.LOST);
            overgrown += verdict.overgrown();
            duplicates += verdict.duplicateEffects();
            problems.addAll(verdict.problems());
        }
        return new RunFigures("dead letters replayed twice, every run judged again", Fault.DUPLICATES_AND_REPLAY, null, requested, completed, failed, lost, overgrown, duplicates, 0,
                stage.deadLetterCount() - before, List.of(), growth,
                "all runs judged again after " + before + " dead letters were replayed twice; backend grew "
                        + growth.volumesGrown() + " volumes, fs-service " + growth.filesystemsGrown() + " filesystems",
                problems);
    }

    private static RunFigures figures(Fault fault, Duration injectedAfter, ResizeAudit.Verdict verdict, long deadLetters,
                                      GrowthCounts growth, String note) {
        return new RunFigures(fault.description(), fault, injectedAfter, verdict.outcomes().size(), verdict.count(ResizeAudit.Outcome.COMPLETED),
                verdict.count(ResizeAudit.Outcome.FAILED_TRUTHFULLY), verdict.count(ResizeAudit.Outcome.LOST),
                verdict.overgrown(), verdict.duplicateEffects(), verdict.failureEvents(), deadLetters, verdict.latencies(),
                growth, note, verdict.problems());
    }

    private static void raise(ClusterObjects objects, String claim) {
        for (int attempt = 1; ; attempt++) {
            try {
                objects.request(claim, TARGET_MI + "Mi");
                return;
            } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
                // A status write of the watcher may race the edit (409): read again and retry, as kubectl edit does.
                if (attempt >= 5) {
                    throw e;
                }
            }
        }
    }

    private static void deleteQuietly(Path root) {
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException | RuntimeException e) {
            System.err.println("could not remove " + root + ": " + e.getMessage());
        }
    }

    private static String lastLine(String text) {
        String[] lines = text.strip().split("\n");
        return lines[lines.length - 1];
    }
}
