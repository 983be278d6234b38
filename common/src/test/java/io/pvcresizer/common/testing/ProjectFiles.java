package io.pvcresizer.common.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Test support: files of this project found from a module's working directory, and programs on the PATH. */
public final class ProjectFiles {

    private ProjectFiles() {
    }

    /** Walks up from the working directory to the project directory holding {@code relative}. */
    public static Path find(String relative) {
        for (Path at = Path.of("").toAbsolutePath(); at != null; at = at.getParent()) {
            Path candidate = at.resolve(relative);
            if (Files.exists(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no " + relative + " in " + Path.of("").toAbsolutePath() + " or above");
    }

    /** Whether {@code program} is an executable on the PATH. */
    public static boolean onPath(String program) {
        String path = System.getenv("PATH");
        return path != null && Arrays.stream(path.split(File.pathSeparator))
                .anyMatch(entry -> !entry.isEmpty() && Files.isExecutable(Path.of(entry, program)));
    }
}
