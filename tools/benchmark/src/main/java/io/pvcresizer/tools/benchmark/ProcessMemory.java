package io.pvcresizer.tools.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The memory of a process as Linux accounts it, from {@code /proc/<pid>/status}: resident set size now
 * ({@code VmRSS}) and its peak so far ({@code VmHWM}), in MiB.
 */
public record ProcessMemory(double rssMiB, double peakRssMiB) {

    /** Reads the figures of process {@code pid}. */
    public static ProcessMemory of(long pid) {
        try {
            long rss = -1;
            long hwm = -1;
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = kib(line);
                } else if (line.startsWith("VmHWM:")) {
                    hwm = kib(line);
                }
            }
            return new ProcessMemory(rss / 1024.0, hwm / 1024.0);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the memory of process " + pid + ": " + e.getMessage(), e);
        }
    }

    private static long kib(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }
}
