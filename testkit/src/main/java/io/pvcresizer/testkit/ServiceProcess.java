package io.pvcresizer.testkit;

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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One pvc-resizer service run as a separate JVM from its executable jar, as it runs in production: its output in a log
 * file, an HTTP port of its own, and a stop that asks politely (SIGTERM) before it insists.
 */
public final class ServiceProcess implements AutoCloseable {

    /**
     * The flags a service JVM runs with here: serial GC and C1 only (quick start, little CPU on a shared machine), a
     * heap of at most 160 MiB given back to the OS when unused, and metaspace, code cache and direct memory bounded.
     */
    public static final List<String> JVM_FLAGS = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k",
            "-Xms32m", "-Xmx160m", "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=30", "-XX:MaxMetaspaceSize=128m",
            "-XX:ReservedCodeCacheSize=32m", "-XX:MaxDirectMemorySize=32m");

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final Process process;
    private final int port;
    private final Path log;
    private final List<String> launch;
    private final List<String> args;

    private final Thread killOnExit;

    private ServiceProcess(String name, Process process, int port, Path log, List<String> launch, List<String> args) {
        this.name = name;
        this.process = process;
        this.port = port;
        this.log = log;
        this.launch = List.copyOf(launch);
        this.args = List.copyOf(args);
        // Should whoever started it be interrupted (Ctrl-C), the service must not outlive it.
        this.killOnExit = new Thread(process::destroyForcibly, "stop-" + name);
        Runtime.getRuntime().addShutdownHook(killOnExit);
    }

    /** The executable jar of {@code module} in the source tree at {@code root}, if it was built. */
    public static Path jarOf(Path root, String module) {
        Path target = root.resolve(module).resolve("target");
        try (var files = Files.list(target)) {
            return files.filter(f -> f.getFileName().toString().endsWith("-exec.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no executable jar in " + target + ": run mvn package first"));
        } catch (IOException e) {
            throw new IllegalStateException("no executable jar in " + target + ": run mvn package first", e);
        }
    }

    /** The root of the source tree: the first directory upwards whose {@code scripts/} holds the demo script. */
    public static Path sourceRoot() {
        for (Path here = Path.of("").toAbsolutePath(); here != null; here = here.getParent()) {
            if (Files.exists(here.resolve("scripts").resolve("demo.sh"))) {
                return here;
            }
        }
        throw new IllegalStateException("not inside the pvc-resizer source tree");
    }

    /** Starts {@code java -jar jar args…} on a free port, logging to {@code logDir/<name>.log}. */
    public static ServiceProcess start(String name, Path jar, Path logDir, List<String> args) {
        List<String> launch = new ArrayList<>(JVM_FLAGS);
        launch.addAll(List.of("-jar", jar.toString()));
        return launch(name, launch, logDir, args);
    }

    /**
     * Starts {@code java <launch…> --server.port=<free> <args…>}, logging to {@code logDir/<name>.log}; {@code launch}
     * holds the JVM flags and what to run ({@code -jar <jar>}, or a class path and a main class). A log already there is
     * appended to, so a restarted service keeps the story of its predecessor.
     */
    public static ServiceProcess launch(String name, List<String> launch, Path logDir, List<String> args) {
        try {
            int port = freePort();
            Files.createDirectories(logDir);
            Path log = logDir.resolve(name + ".log");
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(launch);
            command.add("--server.port=" + port);
            command.addAll(args);
            ProcessBuilder builder = new ProcessBuilder(command);
            // glibc's default of 8 malloc arenas per core mostly holds empty memory in a JVM; the images set it too.
            builder.environment().putIfAbsent("MALLOC_ARENA_MAX", "2");
            Process process = builder.redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            return new ServiceProcess(name, process, port, log, launch, args);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    /** Waits until the service says it is alive ({@code /actuator/health/liveness} UP). */
    public void awaitLive(Duration patience) {
        Instant deadline = Instant.now().plus(patience);
        while (Instant.now().isBefore(deadline)) {
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
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            try {
                process.waitFor(300, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        throw new IllegalStateException(name + " did not come up within " + patience.toSeconds() + " s; see " + log);
    }

    /** GET of a path of the service's HTTP port, as text. */
    public String get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    /** Kills the JVM at once ({@code SIGKILL}, as {@code kill -9} or an OOM kill would) and waits until it is gone. */
    public void kill() {
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts the same service again, with the same flags and arguments, as kubelet restarts a container. */
    public ServiceProcess restart() {
        return launch(name, launch, log.getParent(), args);
    }

    /** Whether the JVM is still running. */
    public boolean isAlive() {
        return process.isAlive();
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

    /** A TCP port free on this host right now. */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

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
