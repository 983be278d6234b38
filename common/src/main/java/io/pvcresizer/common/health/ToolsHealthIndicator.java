package io.pvcresizer.common.health;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Readiness of the command-line tools a service runs: DOWN, naming each missing program and the package that has it,
 * before any resize is tried (the seed's resize died with "executable file not found in $PATH" instead).
 */
public class ToolsHealthIndicator implements org.springframework.boot.health.contributor.HealthIndicator {

    private final Map<String, String> packageByTool;
    private final List<Path> searchPath;

    /**
     * @param packageByTool program name → the package that provides it, for the message
     * @param searchPath    directories searched, as {@code $PATH}
     */
    public ToolsHealthIndicator(Map<String, String> packageByTool, List<Path> searchPath) {
        this.packageByTool = new LinkedHashMap<>(packageByTool);
        this.searchPath = List.copyOf(searchPath);
    }

    /** Searching this process's {@code $PATH}. */
    public static ToolsHealthIndicator onPath(Map<String, String> packageByTool) {
        String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        List<Path> dirs = new ArrayList<>();
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isBlank()) {
                dirs.add(Path.of(dir));
            }
        }
        return new ToolsHealthIndicator(packageByTool, dirs);
    }

    @Override
    public org.springframework.boot.health.contributor.Health health() {
        Map<String, String> found = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        packageByTool.forEach((tool, pkg) -> find(tool).ifPresentOrElse(
                location -> found.put(tool, location.toString()),
                () -> missing.add(tool + " (" + pkg + ")")));
        if (missing.isEmpty()) {
            return org.springframework.boot.health.contributor.Health.up().withDetail("tools", found).build();
        }
        return org.springframework.boot.health.contributor.Health.down()
                .withDetail("reason", "executable file not found in $PATH: " + String.join(", ", missing))
                .withDetail("found", found)
                .build();
    }

    private java.util.Optional<Path> find(String tool) {
        return searchPath.stream().map(dir -> dir.resolve(tool))
                .filter(candidate -> Files.isRegularFile(candidate) && Files.isExecutable(candidate))
                .findFirst();
    }
}
