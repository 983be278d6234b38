package io.pvcresizer.tools.faultsuite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fault suite's command line: defaults, every option, and clear refusals. */
class FaultSuiteOptionsTest {

    @Test
    void shouldRunEveryFaultWithFiftyResizesByDefault() {
        FaultSuiteOptions options = FaultSuiteOptions.parse();

        assertThat(options.pvcs()).isEqualTo(50);
        assertThat(options.faults()).containsExactly(Fault.values());
        assertThat(options.failedRetryAfter()).isEqualTo(Duration.ofSeconds(10));
        assertThat(options.keep()).isFalse();
    }

    @Test
    void shouldReadFaultNamesAsTheScriptWritesThem() {
        FaultSuiteOptions options = FaultSuiteOptions.parse("--pvcs", "7", "--faults", "kill-resize-service, BROKER_RESTART",
                "--spread", "1500ms", "--settle", "2m", "--outage", "12s", "--seed", "42", "--keep", "true");

        assertThat(options.pvcs()).isEqualTo(7);
        assertThat(options.faults()).isEqualTo(List.of(Fault.KILL_RESIZE_SERVICE, Fault.BROKER_RESTART));
        assertThat(options.spread()).isEqualTo(Duration.ofMillis(1500));
        assertThat(options.settle()).isEqualTo(Duration.ofMinutes(2));
        assertThat(options.outage()).isEqualTo(Duration.ofSeconds(12));
        assertThat(options.seed()).isEqualTo(42);
        assertThat(options.keep()).isTrue();
    }

    @Test
    void shouldRefuseWhatItDoesNotKnow() {
        assertThatThrownBy(() -> FaultSuiteOptions.parse("--nodes", "3")).hasMessageContaining("unknown option --nodes");
        assertThatThrownBy(() -> FaultSuiteOptions.parse("--pvcs")).hasMessageContaining("needs a value");
        assertThatThrownBy(() -> FaultSuiteOptions.parse("--pvcs", "0")).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> FaultSuiteOptions.parse("--spread", "soon")).hasMessageContaining("not a duration");
        assertThatThrownBy(() -> FaultSuiteOptions.parse("--faults", "meteor")).hasMessageContaining("unknown fault meteor")
                .hasMessageContaining("kill-watcher-leader");
    }
}
