package io.pvcresizer.fs.grow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pvcresizer.fs.testing.ToolOutput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads effective capabilities from a real {@code /proc/self/status} (CapEff 000001fffeffffff: root without CAP_SYS_RESOURCE). */
class CapabilitiesTest {

    private static final String STATUS = ToolOutput.resource("/proc-self-status.txt");
    private static final int CAP_SYS_ADMIN = 21;

    @TempDir
    Path dir;

    @Test
    void shouldSeeThatThisSandboxLacksCapSysResource() throws IOException {
        Capabilities capabilities = new Capabilities(Files.writeString(dir.resolve("status"), STATUS));

        assertThat(capabilities.hasEffective(Capabilities.CAP_SYS_RESOURCE)).isFalse();
        assertThat(capabilities.hasEffective(CAP_SYS_ADMIN)).isTrue();
    }

    @Test
    void shouldSeeCapSysResourceOfAPrivilegedContainer() throws IOException {
        String privileged = STATUS.replace("CapEff:\t000001fffeffffff", "CapEff:\t000001ffffffffff");

        assertThat(new Capabilities(Files.writeString(dir.resolve("status"), privileged))
                .hasEffective(Capabilities.CAP_SYS_RESOURCE)).isTrue();
    }

    @Test
    void shouldParseTheEffectiveMaskAsHex() {
        assertThat(Capabilities.effectiveMask(STATUS)).isEqualTo(0x000001fffeffffffL);
    }

    @Test
    void shouldRefuseAStatusWithoutCapEff() {
        assertThatThrownBy(() -> Capabilities.effectiveMask("Name:\tcat\n")).isInstanceOf(IllegalArgumentException.class);
    }
}
