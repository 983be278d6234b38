package io.pvcresizer.e2e.bench;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One pvc-resizer service run as its own JVM from its executable jar, as in production, but started through Spring
 * Boot's {@code PropertiesLauncher} so that a directory of the benchmark's fakes can be added to its class path
 * ({@code loader.path}); the fakes become beans through {@code --spring.main.sources}.
 */
public final class ServiceJvm implements AutoCloseable {

    private static final String LAUNCHER = "org.springframework.boot.loader.launch.PropertiesLauncher";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final Process process;
    private final int port;
    private final Path log;
    private final Thread killOnExit;

    private ServiceJvm(String name, Process process, int port, Path log) {
        this.name = name;
        this.process = process;
        this.port = port;
        this.log = log;
        // Should the benchmark be interrupted (Ctrl-C), its services must not outlive it.
        this.killOnExit = new Thread(process::destroyForcibly, "bench-stop-" + name);
        Runtime.getRuntime().addShutdownHook(killOnExit);
    }

    /**
     * Starts {@code java <jvmFlags> -Dloader.path=<extraClasses> -cp <jar> PropertiesLauncher --server.port=<free> <args>},
     * logging to {@code logDir/<name>.log}.
     */
    public static ServiceJvm start(String name, Path jar, Path extraClasses, List<String> jvmFlags, Path logDir,
                                   List<String> args) {
        try {
            int port = freePort();
            Files.createDirectories(logDir);
            Path log = logDir.resolve(name + ".log");
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(jvmFlags);
            command.add("-Dloader.path=" + extraClasses);
            command.addAll(List.of("-cp", jar.toString(), LAUNCHER, "--server.port=" + port));
            command.addAll(args);
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            return new ServiceJvm(name, process, port, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    /** Waits until the service says it is alive ({@code /actuator/health/liveness} UP). */
    public void awaitLive(Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
            }
            try {
                HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url("/actuator/health/liveness")))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200 && response.body().contains("UP")) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            process.waitFor(300, TimeUnit.MILLISECONDS);
        }
        throw new IllegalStateException(name + " did not come up within " + patience.toSeconds() + " s; see " + log);
    }

    /** GET of a path of the service's HTTP port, as text. */
    public String get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return log;
    }

    /** Its memory now. */
    public ProcessMemory memory() {
        return ProcessMemory.of(process.pid());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Asks it to stop (SIGTERM), and kills it if it has not within 20 s. */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
