package io.pvcresizer.resize.localfile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.pvcresizer.common.command.Command;
import io.pvcresizer.common.command.ProcessCommandRunner;
import io.pvcresizer.common.events.FailureKind;
import io.pvcresizer.common.failure.ResizeException;
import io.pvcresizer.resize.TestRequests;
import io.pvcresizer.resize.expansion.ExpansionResult;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LocalFileVolumeExpanderTest {

    private static final long MIB = 1024L * 1024L;

    @TempDir
    Path root;

    private Path imageDir;
    private LocalFileVolumeExpander expander;

    @BeforeEach
    void setUp() throws IOException {
        imageDir = Files.createDirectory(root.resolve("images"));
        expander = new LocalFileVolumeExpander(imageDir);
    }

    @Test
    void shouldGrowSparseImageToTarget() throws IOException {
        Path image = sparseImage("pv-a", 320 * MIB);

        ExpansionResult result = expander.expand(TestRequests.forVolume("pv-a").from("320Mi").to("640Mi").build());

        assertThat(result.newSizeBytes()).isEqualTo(640 * MIB);
        assertThat(result.alreadyAtSize()).isFalse();
        assertThat(Files.size(image)).isEqualTo(640 * MIB);
    }

    @Test
    void shouldRefuseASizeTheImageFilesystemCannotHoldAsInfeasible() throws IOException {
        // ext4 with 4 KiB blocks holds files of at most 16 TiB: setLength answers EFBIG ("File too large").
        org.junit.jupiter.api.Assumptions.assumeTrue("ext4".equals(Files.getFileStore(imageDir).type()),
                "needs the image directory on ext4");
        sparseImage("pv-a", 320 * MIB);

        ResizeException refused = org.assertj.core.api.Assertions.catchThrowableOfType(ResizeException.class,
                () -> expander.expand(TestRequests.forVolume("pv-a").toBytes(17L << 40).build()));

        assertThat(refused.kind()).isEqualTo(io.pvcresizer.common.events.FailureKind.INFEASIBLE);
        assertThat(refused.reason()).isEqualTo("FileTooLarge");
        assertThat(refused.getMessage()).contains("does not allow files that large");
    }

    @Test
    void shouldRoundTargetUpToWholeMebibyte() throws IOException {
        Path image = sparseImage("pv-a", 100 * MIB);

        ExpansionResult result = expander.expand(TestRequests.forVolume("pv-a").toBytes(200 * MIB + 1).build());

        assertThat(result.newSizeBytes()).isEqualTo(201 * MIB);
        assertThat(Files.size(image)).isEqualTo(201 * MIB);
    }

    @Test
    void shouldKeepGrownImageSparse() throws IOException {
        Path image = sparseImage("pv-a", MIB);

        expander.expand(TestRequests.forVolume("pv-a").to("1Gi").build());

        long allocatedBytes = allocatedBytes(image);
        assertThat(Files.size(image)).isEqualTo(1024 * MIB);
        assertThat(allocatedBytes).isLessThan(MIB);
    }

    @Test
    void shouldSucceedWithoutChangeWhenRequestIsRepeated() throws IOException {
        Path image = sparseImage("pv-a", 320 * MIB);
        var request = TestRequests.forVolume("pv-a").to("640Mi").build();
        expander.expand(request);

        ExpansionResult again = expander.expand(request);

        assertThat(again).isEqualTo(ExpansionResult.alreadyAt(640 * MIB, true));
        assertThat(Files.size(image)).isEqualTo(640 * MIB);
    }

    @Test
    void shouldNeverShrinkLargerImage() throws IOException {
        Path image = sparseImage("pv-a", 700 * MIB + 5);

        ExpansionResult result = expander.expand(TestRequests.forVolume("pv-a").to("640Mi").build());

        assertThat(result).isEqualTo(ExpansionResult.alreadyAt(700 * MIB + 5, true));
        assertThat(Files.size(image)).isEqualTo(700 * MIB + 5);
    }

    @Test
    void shouldRequireNoNodeStepInBlockMode() throws IOException {
        sparseImage("pv-block", 320 * MIB);

        ExpansionResult result = expander.expand(TestRequests.forVolume("pv-block").inBlockMode().to("640Mi").build());

        assertThat(result.nodeExpansionRequired()).isFalse();
    }

    @Test
    void shouldRequireNodeStepInFilesystemMode() throws IOException {
        sparseImage("pv-fs", 320 * MIB);

        ExpansionResult result = expander.expand(TestRequests.forVolume("pv-fs").to("640Mi").build());

        assertThat(result.nodeExpansionRequired()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"../../etc/passwd", "/etc/passwd", "..", ".hidden", "a/b", "", "with space", "pv-a\n"})
    void shouldRefuseHandleThatIsNotPlainImageName(String handle) throws IOException {
        sparseImage("pv-a", MIB);

        ResizeException failure = catchThrowableOfType(ResizeException.class,
                () -> expander.expand(TestRequests.forVolume("pv-a").withHandle(handle).to("2Mi").build()));

        assertThat(failure.kind()).isEqualTo(FailureKind.INFEASIBLE);
        assertThat(failure.reason()).isEqualTo("InvalidVolumeHandle");
    }

    @Test
    void shouldRefuseImageThatLinksOutsideImageDir() throws IOException {
        Path outside = Files.writeString(root.resolve("outside"), "not a volume");
        Files.createSymbolicLink(imageDir.resolve("pv-link"), outside);

        ResizeException failure = catchThrowableOfType(ResizeException.class,
                () -> expander.expand(TestRequests.forVolume("pv-link").to("2Mi").build()));

        assertThat(failure.kind()).isEqualTo(FailureKind.INFEASIBLE);
        assertThat(failure.reason()).isEqualTo("InvalidVolumeHandle");
        assertThat(Files.size(outside)).isEqualTo("not a volume".length());
    }

    @Test
    void shouldReportMissingImageAsInfeasible() {
        ResizeException failure = catchThrowableOfType(ResizeException.class,
                () -> expander.expand(TestRequests.forVolume("pv-missing").to("2Mi").build()));

        assertThat(failure.kind()).isEqualTo(FailureKind.INFEASIBLE);
        assertThat(failure.reason()).isEqualTo("VolumeNotFound");
        assertThat(failure.getMessage()).contains("pv-missing");
        assertThat(imageDir.resolve("pv-missing")).doesNotExist();
    }

    @Test
    void shouldReportDirectoryInPlaceOfImageAsInfeasible() throws IOException {
        Files.createDirectory(imageDir.resolve("pv-dir"));

        ResizeException failure = catchThrowableOfType(ResizeException.class,
                () -> expander.expand(TestRequests.forVolume("pv-dir").to("2Mi").build()));

        assertThat(failure.kind()).isEqualTo(FailureKind.INFEASIBLE);
        assertThat(failure.reason()).isEqualTo("VolumeNotFound");
    }

    /** The bytes the file occupies on disk, as {@code stat} reports them (blocks of 512 bytes). */
    private static long allocatedBytes(Path file) {
        String blocks = new ProcessCommandRunner()
                .run(Command.of(Duration.ofSeconds(10), "stat", "--format=%b", file.toString()))
                .orThrow().stdout().strip();
        return Long.parseLong(blocks) * 512;
    }

    private Path sparseImage(String name, long size) throws IOException {
        Path image = imageDir.resolve(name);
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
            file.setLength(size);
        }
        return image;
    }
}
