package io.pvcresizer.resize.ceph;

import io.pvcresizer.common.testing.ConfigurationBinding;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Test support: a one-cluster {@link CephSettings}, the argument arrays {@link CephCli} builds for it, and captured tool output. */
public final class CephFixtures {

    public static final String CLUSTER = "test-cluster";

    private CephFixtures() {
    }

    public static CephSettings settings() {
        return settings(null, null);
    }

    /** A cluster that serves only {@code pools} and {@code filesystems} (null: any). */
    public static CephSettings settings(List<String> pools, List<String> filesystems) {
        Map<String, Object> keys = new java.util.HashMap<>(Map.of(
                "clusters[" + CLUSTER + "].conf", "/etc/ceph/test.conf",
                "clusters[" + CLUSTER + "].keyring", "/etc/ceph/test.keyring",
                "command-timeout", "30s", "connect-timeout", "10s", "circuit-breaker.wait-in-open-state", "60s"));
        if (pools != null) {
            keys.put("clusters[" + CLUSTER + "].pools", String.join(",", pools));
        }
        if (filesystems != null) {
            keys.put("clusters[" + CLUSTER + "].filesystems", String.join(",", filesystems));
        }
        return ConfigurationBinding.bind(CephSettings.class, keys);
    }

    public static CircuitBreakerRegistry breakers() {
        CephSettings.Breaker breaker = settings().circuitBreaker();
        return CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .slidingWindowSize(breaker.slidingWindowSize()).minimumNumberOfCalls(breaker.slidingWindowSize())
                .failureRateThreshold(breaker.failureRateThreshold()).waitDurationInOpenState(breaker.waitInOpenState())
                .build());
    }

    /** The full argument array CephCli runs for {@code tool args…} on {@link #CLUSTER}. */
    public static List<String> argv(CephCli.Tool tool, String... args) {
        List<String> argv = new ArrayList<>(List.of(tool.program(), "--conf", "/etc/ceph/test.conf", "--id", "admin",
                "--keyring", "/etc/ceph/test.keyring"));
        if (tool == CephCli.Tool.CEPH) {
            argv.addAll(List.of("--connect-timeout", "10"));
        }
        argv.addAll(List.of("--client_mount_timeout", "10", "--rados_mon_op_timeout", "10", "--rados_osd_op_timeout", "10"));
        argv.addAll(List.of(args));
        return argv;
    }

    /** What a real tool printed, as captured in {@code ceph-output/<name>}: exit code, stdout and stderr. */
    public record Captured(int exitCode, String stdout, String stderr) {

        /** The capture as the runner's result of {@code argv}. */
        public io.pvcresizer.common.command.CommandResult as(List<String> argv) {
            return new io.pvcresizer.common.command.CommandResult(
                    new io.pvcresizer.common.command.Command(argv, Duration.ofSeconds(30), java.util.Set.of()),
                    exitCode, stdout, stderr, Duration.ofMillis(5));
        }
    }

    /** Reads {@code ceph-output/<name>}: a {@code # <command> (exit N)} line, then {@code # --- stdout} and {@code # --- stderr} sections. */
    public static Captured captured(String name) {
        try (InputStream in = CephFixtures.class.getResourceAsStream("/ceph-output/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no captured output " + name);
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            java.util.regex.Matcher exit = java.util.regex.Pattern.compile("\\(exit (\\d+)\\)").matcher(text);
            int exitCode = exit.find() ? Integer.parseInt(exit.group(1)) : 0;
            StringBuilder stdout = new StringBuilder();
            StringBuilder stderr = new StringBuilder();
            StringBuilder current = null;
            for (String line : text.split("\n", -1)) {
                if (line.equals("# --- stdout")) {
                    current = stdout;
                } else if (line.equals("# --- stderr")) {
                    current = stderr;
                } else if (current != null) {
                    current.append(line).append('\n');
                }
            }
            return new Captured(exitCode, stdout.toString(), stderr.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
