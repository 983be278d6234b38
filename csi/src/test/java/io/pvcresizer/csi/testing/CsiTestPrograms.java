package io.pvcresizer.csi.testing;

import io.pvcresizer.common.command.Command;
import io.pvcresizer.common.command.CommandResult;
import io.pvcresizer.common.command.ProcessCommandRunner;
import io.pvcresizer.common.testing.ProjectFiles;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Test support: the CSI programs of {@code testenv/csi} (Kubernetes' mock CSI driver and the CSI external-resizer),
 * built once by {@code testenv/csi/build.sh} into a cache and found there.
 */
public final class CsiTestPrograms {

    private static final String BUILD_SCRIPT = "testenv/csi/build.sh";
    private static Path binDir;

    private CsiTestPrograms() {
    }

    /** Whether the programs are built or can be (Go is installed). */
    public static boolean runnable() {
        return checkOnly().succeeded() || ProjectFiles.onPath("go");
    }

    /**
     * The directory holding {@code csi-mock-driver} and {@code csi-resizer}, building them first if needed.
     *
     * @throws IllegalStateException with the build's output when they cannot be built
     */
    public static synchronized Path binDir() {
        if (binDir == null) {
            Command build = Command.of(Duration.ofMinutes(30), "bash", ProjectFiles.find(BUILD_SCRIPT).toString());
            CommandResult result = new ProcessCommandRunner().run(build);
            binDir = Path.of(result.orThrow().stdout().strip());
        }
        return binDir;
    }

    private static CommandResult checkOnly() {
        Command check = Command.of(Duration.ofSeconds(20), "env", "PVC_RESIZER_CSI_CHECK_ONLY=1", "bash",
                ProjectFiles.find(BUILD_SCRIPT).toString());
        return new ProcessCommandRunner().run(check);
    }
}
