package io.pvcresizer.tools.faultsuite;

import io.pvcresizer.testkit.ServiceProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Replays every dead letter to its original topic with the operator's command, run from its executable jar. */
public final class DeadLetterReplay {

    private DeadLetterReplay() {
    }

    /**
     * Runs {@code replay --all} against the broker, reading claims with {@code kubeconfig}, and returns what the
     * command printed.
     */
    public static String replayAll(String bootstrapServers, Path kubeconfig) {
        Path jar = ServiceProcess.jarOf(ServiceProcess.sourceRoot(), "tools/dead-letters");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString(),
                "replay", "--all", "--bootstrap-servers", bootstrapServers, "--kubeconfig", kubeconfig.toString()));
        try {
            Path output = java.nio.file.Files.createTempFile("dead-letter-replay", ".log");
            try {
                Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
                boolean ended = process.waitFor(2, TimeUnit.MINUTES);
                if (!ended) {
                    process.destroyForcibly();
                }
                String printed = java.nio.file.Files.readString(output, StandardCharsets.UTF_8);
                if (!ended || process.exitValue() != 0) {
                    throw new IllegalStateException("dead-letter replay " + (ended ? "failed" : "did not end within 2 min")
                            + ":\n" + printed);
                }
                return printed;
            } finally {
                java.nio.file.Files.deleteIfExists(output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run the dead-letter replay", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
