package io.pvcresizer.csi.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Test support: one running Kubernetes mock CSI driver ({@code csi-mock-driver} of {@code testenv/csi}, serving
 * k8s.io/kubernetes' e2e mock driver) on a Unix socket, and the calls it received as it logged them.
 *
 * <p>The driver keeps its volumes in memory and starts with three, ids {@code 1}, {@code 2} and {@code 3}, of
 * {@link #INITIAL_VOLUME_BYTES} each; it answers {@code NOT_FOUND} for any other id and {@code INVALID_ARGUMENT} for a
 * size below the current one.
 */
public final class CsiMockDriver implements AutoCloseable {

    /** The size of each volume the driver starts with (100 GiB). */
    public static final long INITIAL_VOLUME_BYTES = 100L << 30;

    private static final String CALL_PREFIX = "gRPCCall: ";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final LoggedProcess process;
    private final Path socket;

    private CsiMockDriver(LoggedProcess process, Path socket) {
        this.process = process;
        this.socket = socket;
    }

    /**
     * Starts a driver named {@code name} listening on {@code socket}, with the mock's options as flags
     * ({@code --node-expansion-required}, {@code --disable-online-expansion}, {@code --disable-controller-expansion}).
     */
    public static CsiMockDriver start(String name, Path socket, String... flags) {
        try {
            Files.createDirectories(socket.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> argv = new ArrayList<>(List.of(CsiTestPrograms.binDir().resolve("csi-mock-driver").toString(),
                "--endpoint", socket.toString(), "--name", name, "-v=3", "--logtostderr"));
        argv.addAll(List.of(flags));
        LoggedProcess process = LoggedProcess.start("csi-mock-driver", argv);
        await("CSI mock driver listening on " + socket).atMost(Duration.ofSeconds(20))
                .until(() -> Files.exists(socket) || !process.process().isAlive());
        if (!process.process().isAlive()) {
            throw new IllegalStateException("csi-mock-driver exited: " + process.output());
        }
        return new CsiMockDriver(process, socket);
    }

    /** The socket the driver listens on. */
    public Path socket() {
        return socket;
    }

    /**
     * The requests of every call of {@code method} (e.g. {@code /csi.v1.Controller/ControllerExpandVolume}) so far, as
     * the driver logged them (JSON of the Go message: {@code VolumeId}, {@code CapacityRange}, {@code Secrets}, ...),
     * each with its {@code Error} beside it under {@code _error}.
     */
    public List<JsonNode> requests(String method) {
        List<JsonNode> requests = new ArrayList<>();
        for (String line : process.lines()) {
            int at = line.indexOf(CALL_PREFIX);
            if (at < 0) {
                continue;
            }
            JsonNode call = JSON.readTree(line.substring(at + CALL_PREFIX.length()));
            if (method.equals(call.path("Method").asString())) {
                requests.add(call.path("Request"));
            }
        }
        return requests;
    }

    /** Everything the driver wrote. */
    public String output() {
        return process.output();
    }

    @Override
    public void close() {
        process.stop();
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
