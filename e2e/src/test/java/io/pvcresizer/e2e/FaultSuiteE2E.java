package io.pvcresizer.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.pvcresizer.common.testing.LoopVolume;
import io.pvcresizer.tools.faultsuite.Fault;
import io.pvcresizer.tools.faultsuite.FaultSuite;
import io.pvcresizer.tools.faultsuite.FaultSuiteOptions;
import io.pvcresizer.tools.faultsuite.RunFigures;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The fault-injection suite as a test: every fault with {@code pvc-resizer.faults.pvcs} resizes (50 by default), the
 * services as separate processes on a broker process; nothing may be lost, grown beyond its target or reported twice.
 */
class FaultSuiteE2E {

    @Test
    void shouldLoseNoResizeWhateverBreaks() throws Exception {
        Assumptions.assumeTrue(LoopVolume.supported(), "needs root, loop devices and mount");
        int pvcs = Integer.getInteger("pvc-resizer.faults.pvcs", 50);
        FaultSuiteOptions options = FaultSuiteOptions.parse("--pvcs", Integer.toString(pvcs),
                "--out", "target/fault-suite.json", "--seed", Long.toString(System.nanoTime()));

        List<RunFigures> runs = new FaultSuite(options, new PrintStream(System.out, true, StandardCharsets.UTF_8)).run();

        for (RunFigures run : runs) {
            assertThat(run.lost()).as("lost in %s: %s", run.fault(), run.problems()).isZero();
            assertThat(run.overgrown()).as("grown beyond target in %s: %s", run.fault(), run.problems()).isZero();
            assertThat(run.duplicateEffects()).as("duplicate success events in %s", run.fault()).isZero();
            // Every fault here is repaired, so every resize must end completed, the failed ones re-requested.
            assertThat(run.completed()).as("completed in %s: %s", run.fault(), run.problems()).isEqualTo(run.requested());
        }
        Map<Fault, RunFigures> byFault = runs.stream().limit(Fault.values().length)
                .collect(Collectors.toMap(RunFigures::fault, Function.identity(), (a, b) -> a));
        assertThat(byFault.get(Fault.POISON_RECORDS).deadLetters()).as("every poison record dead-lettered").isEqualTo(20);
        assertThat(byFault.get(Fault.KILL_WATCHER_LEADER).note()).contains("held the Lease");
        assertThat(byFault.get(Fault.API_SERVER_OUTAGE).note()).contains("answering /readyz again");
        assertThat(byFault.get(Fault.BACKEND_OUTAGE).failureEvents()).as("outage shown on the claims").isPositive();
        assertThat(byFault.get(Fault.BACKEND_OUTAGE).deadLetters()).as("exhausted requests dead-lettered").isPositive();
        RunFigures duplicated = byFault.get(Fault.DUPLICATES_AND_REPLAY);
        assertThat(duplicated.growth().volumesGrown()).as("each volume grown once").isEqualTo(pvcs);
        assertThat(duplicated.growth().filesystemsGrown()).as("each filesystem grown once").isEqualTo(pvcs);
        assertThat(duplicated.growth().volumesAtSize()).as("duplicates found the volume grown").isPositive();
        RunFigures afterReplay = runs.get(runs.size() - 1);
        assertThat(afterReplay.note()).contains("replayed twice");
        assertThat(afterReplay.growth().volumesGrown()).as("replays grow nothing").isZero();
        assertThat(afterReplay.growth().filesystemsGrown()).as("replays grow nothing").isZero();
    }
}
