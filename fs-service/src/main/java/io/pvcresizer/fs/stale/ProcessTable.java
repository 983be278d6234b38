package io.pvcresizer.fs.stale;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * The node's processes as a proc filesystem lists them ({@code /proc}, or the host's {@code /proc} mounted elsewhere):
 * each process's command line from {@code <proc>/<pid>/cmdline}, and the name of PID 1 from {@code <proc>/1/comm}.
 */
public class ProcessTable {

    private final Path procRoot;

    public ProcessTable(Path procRoot) {
        this.procRoot = Objects.requireNonNull(procRoot, "procRoot");
    }

    /**
     * A running process and its arguments.
     *
     * @param pid  process id in the proc filesystem's PID namespace
     * @param argv its command line, program first
     */
    public record RunningProcess(long pid, List<String> argv) {
        public RunningProcess {
            argv = List.copyOf(argv);
        }
    }

    /**
     * Every process that has a command line; kernel threads and zombies, which have none, and processes that end while
     * they are read are left out.
     */
    public List<RunningProcess> processes() {
        return processes(name -> true);
    }

    /**
     * The processes whose name ({@code comm}, at most 15 characters) passes the filter. Reading a command line can
     * block while its process is stuck in a page fault (on a hung FUSE mount, say); reading the name cannot, so
     * callers that know the name read only the command lines they need.
     */
    public List<RunningProcess> processes(Predicate<String> name) {
        List<RunningProcess> processes = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(procRoot, ProcessTable::isPid)) {
            for (Path entry : entries) {
                if (!name.test(comm(entry))) {
                    continue;
                }
                List<String> argv = commandLine(entry.resolve("cmdline"));
                if (!argv.isEmpty()) {
                    processes.add(new RunningProcess(Long.parseLong(entry.getFileName().toString()), argv));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list the processes in " + procRoot + ": " + e.getMessage(), e);
        }
        return processes;
    }

    /** Whether PID 1 is systemd, so that {@code systemd-run} can place a process in a scope of its own. */
    public boolean initIsSystemd() {
        try {
            return "systemd".equals(Files.readString(procRoot.resolve("1").resolve("comm"), StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
            return false;
        }
    }

    /** The proc filesystem read. */
    public Path root() {
        return procRoot;
    }

    private static boolean isPid(Path entry) {
        String name = entry.getFileName().toString();
        if (name.isEmpty() || name.length() > 18) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (!Character.isDigit(name.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** The process's name, or empty when it cannot be read (it ended, or a test's proc has none). */
    private static String comm(Path pidDir) {
        try {
            return Files.readString(pidDir.resolve("comm"), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return "";
        }
    }

    /** A {@code cmdline} file: arguments separated (and ended) by NUL bytes. */
    private static List<String> commandLine(Path cmdline) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(cmdline);
        } catch (IOException e) {
            return List.of(); // ended meanwhile, or not readable
        }
        List<String> argv = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= bytes.length; i++) {
            if (i == bytes.length || bytes[i] == 0) {
                if (i > start || i < bytes.length) {
                    argv.add(new String(bytes, start, i - start, StandardCharsets.UTF_8));
                }
                start = i + 1;
            }
        }
        return argv;
    }
}
