package io.pvcresizer.fs.device;

import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;

import io.pvcresizer.fs.command.NodeCommands;
import io.pvcresizer.common.testing.FakeCommandRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Finds loop devices from a sysfs tree laid out as the kernel's ({@code loopN/loop/backing_file}). */
class LoopDevicesTest {

    @TempDir
    Path sys;

    private LoopDevices loopDevices() {
        return new LoopDevices(new NodeCommands(new FakeCommandRunner(), Duration.ofSeconds(5)), sys);
    }

    private void attach(String loop, String backingFile) throws IOException {
        Path dir = Files.createDirectories(sys.resolve(loop).resolve("loop"));
        Files.writeString(dir.resolve("backing_file"), backingFile + "\n");
    }

    @Test
    void shouldFindTheLoopDeviceBehindAnImageFile() throws IOException {
        attach("loop0", "/tmp/other.img");
        attach("loop3", "/tmp/fscap/xfs.img");
        Files.createDirectories(sys.resolve("loop1"));
        Files.createDirectories(sys.resolve("sda"));

        assertThat(loopDevices().deviceBackedBy(Path.of("/tmp/fscap/xfs.img"))).contains("/dev/loop3");
    }

    @Test
    void shouldFindNothingWhenNoLoopDeviceIsAttached() throws IOException {
        attach("loop0", "/tmp/other.img");
        attach("loop2", "/images/vol-1 (deleted)");

        assertThat(loopDevices().deviceBackedBy(Path.of("/images/vol-1"))).isEmpty();
    }

    @Test
    void shouldTellLoopDevicesFromOthers() {
        assertThat(LoopDevices.isLoopDevice("/dev/loop12")).isTrue();
        assertThat(LoopDevices.isLoopDevice("/dev/rbd0")).isFalse();
        assertThat(LoopDevices.isLoopDevice("/dev/loop-control")).isFalse();
        assertThat(LoopDevices.isLoopDevice(null)).isFalse();
    }
}
