package io.pvcresizer.fs.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pvcresizer.fs.testing.ToolOutput;
import org.junit.jupiter.api.Test;

/** Reads {@code df -B1 --output=size,used,itotal,iused} as printed by GNU coreutils 9.1 on real mounts. */
class FilesystemUsageTest {

    @Test
    void shouldReadDfOfAnXfsFilesystem() {
        // 320 MiB loop device, mkfs.xfs, 20 small files and 7 MiB written.
        assertThat(FilesystemUsage.parseDf(ToolOutput.read("df-usage-xfs.stdout")))
                .isEqualTo(new FilesystemUsage(268_435_456L, 26_345_472L, 163_840L, 25L));
    }

    @Test
    void shouldReadDfOfAnExt4Filesystem() {
        // 128 MiB loop device, mkfs.ext4 (1 KiB blocks), the same files.
        assertThat(FilesystemUsage.parseDf(ToolOutput.read("df-usage-ext4.stdout")))
                .isEqualTo(new FilesystemUsage(120_015_872L, 7_375_872L, 32_768L, 33L));
    }

    @Test
    void shouldReadZeroUsedInodesWhereDfPrintsADashForACephFuseMount() {
        // ceph-fuse of a CephFS subvolume with a 100 MiB quota: statfs has no free-inode count, so df prints "-".
        assertThat(FilesystemUsage.parseDf(ToolOutput.read("df-usage-ceph-fuse.stdout")))
                .isEqualTo(new FilesystemUsage(104_857_600L, 4_194_304L, 23L, 0L));
    }

    @Test
    void shouldReadZeroForEveryColumnThatIsADash() {
        assertThat(FilesystemUsage.parseDf("1B-blocks Used Inodes IUsed\n  4096  -  -  -\n"))
                .isEqualTo(new FilesystemUsage(4096L, 0L, 0L, 0L));
    }

    @Test
    void shouldRefuseOutputThatIsNotOneLineOfFourNumbers() {
        assertThatThrownBy(() -> FilesystemUsage.parseDf("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FilesystemUsage.parseDf("1B-blocks Used Inodes IUsed\n1 2 3\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 2 3");
        assertThatThrownBy(() -> FilesystemUsage.parseDf("1B-blocks Used Inodes IUsed\n1 2 3 4\n5 6 7 8\n"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FilesystemUsage.parseDf("1B-blocks Used Inodes IUsed\n1 2 x 4\n"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"x\"");
    }
}
