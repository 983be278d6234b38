package io.pvcresizer.fs.grow;

import static org.assertj.core.api.Assertions.assertThat;

import io.pvcresizer.fs.testing.ToolOutput;
import org.junit.jupiter.api.Test;

/** Reads what {@code xfs_growfs -d} did from its real output: a 320 MiB xfs grown to 640 MiB, then grown again. */
class XfsGrowthTest {

    @Test
    void shouldSeeTheDataSectionGrowFrom320To640Mib() {
        XfsGrowth growth = XfsGrowth.parse(ToolOutput.read("xfs_growfs-grown.stdout"));

        assertThat(growth.blockSize()).isEqualTo(4096);
        assertThat(growth.blocksBefore()).isEqualTo(81920);
        assertThat(growth.blocksAfter()).isEqualTo(163840);
        assertThat(growth.changed()).isTrue();
        assertThat(growth.dataBytes()).isEqualTo(640L * 1024 * 1024);
    }

    @Test
    void shouldSeeNoChangeWhenTheFilesystemAlreadyFillsItsDevice() {
        XfsGrowth growth = XfsGrowth.parse(ToolOutput.read("xfs_growfs-unchanged.stdout"));

        assertThat(growth.blocksBefore()).isEqualTo(163840);
        assertThat(growth.blocksAfter()).isEqualTo(163840);
        assertThat(growth.changed()).isFalse();
    }

    @Test
    void shouldYieldZerosForOutputItDoesNotKnow() {
        XfsGrowth growth = XfsGrowth.parse("");

        assertThat(growth.changed()).isFalse();
        assertThat(growth.dataBytes()).isZero();
    }
}
