package io.pvcresizer.fs.grow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pvcresizer.fs.testing.ToolOutput;
import org.junit.jupiter.api.Test;

/** Reads the size of ext4 filesystems from real {@code dumpe2fs -h} output (64 MiB, then grown to 128 MiB). */
class Ext4SuperblockTest {

    private static final long MIB = 1024 * 1024;

    @Test
    void shouldReadBlockCountAndSizeOfA64MibFilesystem() {
        Ext4Superblock superblock = Ext4Superblock.parse(ToolOutput.read("dumpe2fs-h-64MiB.stdout"));

        assertThat(superblock.blockCount()).isEqualTo(65536);
        assertThat(superblock.blockSize()).isEqualTo(1024);
        assertThat(superblock.sizeBytes()).isEqualTo(64 * MIB);
        assertThat(superblock.state()).isEqualTo("clean");
    }

    @Test
    void shouldReadTheGrownSizeAfterResize2fs() {
        assertThat(Ext4Superblock.parse(ToolOutput.read("dumpe2fs-h-128MiB.stdout")).sizeBytes()).isEqualTo(128 * MIB);
    }

    @Test
    void shouldFillADeviceOfItsOwnSizeButNotALargerOne() {
        Ext4Superblock superblock = Ext4Superblock.parse(ToolOutput.read("dumpe2fs-h-64MiB.stdout"));

        assertThat(superblock.fillsDevice(64 * MIB)).isTrue();
        assertThat(superblock.fillsDevice(64 * MIB + 1023)).as("a partial block cannot be used").isTrue();
        assertThat(superblock.fillsDevice(64 * MIB + 1024)).isFalse();
        assertThat(superblock.fillsDevice(128 * MIB)).isFalse();
    }

    @Test
    void shouldRefuseOutputWithoutABlockCount() {
        assertThatThrownBy(() -> Ext4Superblock.parse(ToolOutput.read("dumpe2fs-h.stderr")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Block count");
    }
}
