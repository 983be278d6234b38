package io.pvcresizer.common.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

class ToolsHealthIndicatorTest {

    @TempDir
    Path bin;

    private void install(String tool) throws IOException {
        Path file = Files.writeString(bin.resolve(tool), "#!/bin/sh\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void shouldNameEachMissingToolAndItsPackageBeforeAnyResizeIsTried() throws IOException {
        install("ceph");
        Files.writeString(bin.resolve("rbd"), "not executable");
        ToolsHealthIndicator tools = new ToolsHealthIndicator(Map.of("rbd", "ceph-common"), List.of(bin));

        Health health = tools.health();

        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.getDetails().get("reason")).isEqualTo("executable file not found in $PATH: rbd (ceph-common)");
    }

    @Test
    void shouldBeUpWhenEveryToolIsInstalled() throws IOException {
        install("rbd");
        install("ceph");
        ToolsHealthIndicator tools = new ToolsHealthIndicator(Map.of("rbd", "ceph-common", "ceph", "ceph-common"), List.of(bin));

        assertThat(tools.health().getStatus()).isEqualTo(Status.UP);
        assertThat(tools.health().getDetails().get("tools")).asString().contains(bin.resolve("rbd").toString());
    }
}
