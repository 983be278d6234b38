package io.pvcresizer.csi.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Test support: the Kubernetes CSI resizer ({@code csi-resizer} of external-resizer, built by {@code testenv/csi}) as
 * a running process, for one driver's socket, against an API server, electing its leader with a Lease as the sidecar
 * is deployed.
 */
public final class CsiResizerProcess implements AutoCloseable {

    private final LoggedProcess process;

    private CsiResizerProcess(LoggedProcess process) {
        this.process = process;
    }

    /**
     * Starts {@code csi-resizer} on the driver at {@code socket}, with the API server of {@code kubeconfig} and its
     * leader-election Lease in {@code leaseNamespace}.
     */
    public static CsiResizerProcess start(Path socket, Path kubeconfig, String leaseNamespace, String... flags) {
        List<String> argv = new ArrayList<>(List.of(CsiTestPrograms.binDir().resolve("csi-resizer").toString(),
                "--csi-address=" + socket, "--kubeconfig=" + kubeconfig, "--leader-election",
                "--leader-election-namespace=" + leaseNamespace, "--timeout=30s", "--v=3"));
        argv.addAll(List.of(flags));
        return new CsiResizerProcess(LoggedProcess.start("csi-resizer", argv));
    }

    /** Whether it still runs. */
    public boolean alive() {
        return process.process().isAlive();
    }

    /** Freezes it (SIGSTOP), as a node under load or a long GC would: it holds its Lease but does nothing. */
    public void pause() {
        signal("STOP");
    }

    /** Lets it go on (SIGCONT). */
    public void resume() {
        signal("CONT");
    }

    private void signal(String name) {
        try {
            int exit = new ProcessBuilder("kill", "-" + name, Long.toString(process.process().pid())).inheritIO().start().waitFor();
            if (exit != 0) {
                throw new IllegalStateException("kill -" + name + " " + process.process().pid() + " exited " + exit);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Everything it wrote. */
    public String output() {
        return process.output();
    }

    /** Stops it as Kubernetes stops a container (SIGTERM, then SIGKILL). */
    @Override
    public void close() {
        resume();
        process.stop();
    }
}
