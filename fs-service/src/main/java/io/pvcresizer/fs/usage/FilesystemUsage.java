package io.pvcresizer.fs.usage;

import java.util.ArrayList;
import java.util.List;

/**
 * How full one filesystem is, as {@code df -B1 --output=size,used,itotal,iused} prints it.
 *
 * @param totalBytes  size of the filesystem
 * @param usedBytes   bytes in use
 * @param totalInodes inodes of the filesystem; 0 where df prints {@code -} (the filesystem does not say)
 * @param usedInodes  inodes in use; 0 where df prints {@code -} (ceph-fuse has no count of free inodes)
 */
public record FilesystemUsage(long totalBytes, long usedBytes, long totalInodes, long usedInodes) {

    /** The arguments of the {@code df} call whose output {@link #parseDf} reads, before the mount point. */
    public static final List<String> DF_ARGUMENTS = List.of("df", "-B1", "--output=size,used,itotal,iused");

    /**
     * Reads the output of {@code df -B1 --output=size,used,itotal,iused <one path>}: a header line, then one line of four
     * numbers, each of which may be {@code -} when unknown.
     *
     * @throws IllegalArgumentException when the text does not have that shape
     */
    public static FilesystemUsage parseDf(String stdout) {
        List<String> lines = new ArrayList<>();
        for (String line : stdout.split("\n")) {
            if (!line.isBlank()) {
                lines.add(line.strip());
            }
        }
        if (lines.size() != 2) {
            throw new IllegalArgumentException("expected a header and one line of df output, got: " + stdout.strip());
        }
        String[] fields = lines.get(1).split("\\s+");
        if (fields.length != 4) {
            throw new IllegalArgumentException("expected size, used, inodes and used inodes from df, got: " + lines.get(1));
        }
        return new FilesystemUsage(number(fields[0], lines.get(1)), number(fields[1], lines.get(1)),
                number(fields[2], lines.get(1)), number(fields[3], lines.get(1)));
    }

    private static long number(String field, String line) {
        if (field.equals("-")) {
            return 0;
        }
        try {
            long value = Long.parseLong(field);
            if (value < 0) {
                throw new IllegalArgumentException("negative number \"" + field + "\" in df output: " + line);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number \"" + field + "\" in df output: " + line, e);
        }
    }
}
