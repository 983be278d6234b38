package io.pvcresizer.fs.device;

import static org.assertj.core.api.Assertions.assertThat;

import io.pvcresizer.fs.command.NodeCommands;
import io.pvcresizer.common.testing.FakeCommandRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Finds loop devices from real {@code losetup -j} output. */
class LoopDevicesTest {

    /** {@code losetup -j /tmp/fscap/xfs.img}, captured with the image attached. */
    private static final String LOSETUP_J = "/dev/loop0: [65024]:2146564 (/tmp/fscap/xfs.img)\n";

    @Test
    void shouldFindTheLoopDeviceBehindAnImageFile() {
        FakeCommandRunner runner = new FakeCommandRunner().on(List.of("losetup", "-j", "/tmp/fscap/xfs.img"), LOSETUP_J);

        assertThat(new LoopDevices(new NodeCommands(runner, Duration.ofSeconds(5))).deviceBackedBy(Path.of("/tmp/fscap/xfs.img")))
                .contains("/dev/loop0");
    }

    @Test
    void shouldFindNothingWhenNoLoopDeviceIsAttached() {
        // losetup -j prints nothing and exits 0 for a file no loop device uses.
        FakeCommandRunner runner = new FakeCommandRunner().on(List.of("losetup", "-j", "/images/vol-1"), "");

        assertThat(new LoopDevices(new NodeCommands(runner, Duration.ofSeconds(5))).deviceBackedBy(Path.of("/images/vol-1")))
                .isEmpty();
    }

    @Test
    void shouldListEveryDeviceAttachedToTheSameFile() {
        assertThat(LoopDevices.parseAssociations(LOSETUP_J + "/dev/loop7: [65024]:2146564 (/tmp/fscap/xfs.img)\n"))
                .containsExactly("/dev/loop0", "/dev/loop7");
    }

    @Test
    void shouldTellLoopDevicesFromOthers() {
        assertThat(LoopDevices.isLoopDevice("/dev/loop12")).isTrue();
        assertThat(LoopDevices.isLoopDevice("/dev/rbd0")).isFalse();
        assertThat(LoopDevices.isLoopDevice("/dev/loop-control")).isFalse();
        assertThat(LoopDevices.isLoopDevice(null)).isFalse();
    }
}
