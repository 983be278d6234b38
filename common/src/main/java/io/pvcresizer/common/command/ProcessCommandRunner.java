package io.pvcresizer.common.command;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Runs commands as child processes with {@link ProcessBuilder}: no shell, stdin closed, output captured, killed on timeout. */
public class ProcessCommandRunner implements CommandRunner {

    @Override
    public CommandResult run(Command command) {
        long start = System.nanoTime();
        Process process;
        try {
            process = new ProcessBuilder(command.argv())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
        } catch (IOException e) {
            throw new CommandNotFoundException(command, e);
        }
        // Dedicated reader threads: a busy shared pool must never stall a tool on a full pipe.
        CompletableFuture<String> stdout = reader(process.getInputStream(), command.program() + "-stdout");
        CompletableFuture<String> stderr = reader(process.getErrorStream(), command.program() + "-stderr");
        try {
            if (!process.waitFor(command.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new CommandTimeoutException(command, command.timeout());
            }
            return new CommandResult(command, process.exitValue(), stdout.get(5, TimeUnit.SECONDS),
                    stderr.get(5, TimeUnit.SECONDS), Duration.ofNanos(System.nanoTime() - start));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new CommandTimeoutException(command, Duration.ofNanos(System.nanoTime() - start));
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("could not read the output of " + command.redacted(), e);
        }
    }

    private static CompletableFuture<String> reader(InputStream in, String name) {
        CompletableFuture<String> text = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                text.complete(read(in));
            } catch (RuntimeException e) {
                text.completeExceptionally(e);
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        return text;
    }

    private static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
