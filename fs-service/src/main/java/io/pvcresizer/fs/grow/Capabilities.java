package io.pvcresizer.fs.grow;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Tells which Linux capabilities this process holds, from the {@code CapEff} line of {@code /proc/self/status}; online
 * ext4 growth needs {@code CAP_SYS_RESOURCE}.
 */
public class Capabilities {

    /** The capability the ext4 online resize ioctl requires (linux/capability.h). */
    public static final int CAP_SYS_RESOURCE = 24;

    private final Path procStatus;

    public Capabilities(Path procStatus) {
        this.procStatus = Objects.requireNonNull(procStatus, "procStatus");
    }

    /** This process's capabilities, read from {@code /proc/self/status}. */
    public static Capabilities ofThisProcess() {
        return new Capabilities(Path.of("/proc/self/status"));
    }

    /** Whether the capability (its bit number) is in the effective set; read afresh on every call. */
    public boolean hasEffective(int capability) {
        try {
            return (effectiveMask(Files.readString(procStatus, StandardCharsets.UTF_8)) & (1L << capability)) != 0;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + procStatus, e);
        }
    }

    /** The effective capability mask of a {@code /proc/<pid>/status} text ({@code CapEff:\t000001fffeffffff}). */
    static long effectiveMask(String statusText) {
        for (String line : statusText.split("\n")) {
            if (line.startsWith("CapEff:")) {
                return Long.parseUnsignedLong(line.substring("CapEff:".length()).strip(), 16);
            }
        }
        throw new IllegalArgumentException("no CapEff line in the process status");
    }
}
