package io.pvcresizer.fs.mount;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads the lines of {@code /proc/<pid>/mountinfo} (see proc(5)) into {@link MountEntry} records, decoding the octal
 * escapes the kernel writes for space, tab, newline and backslash in paths.
 */
public final class MountInfoParser {

    private MountInfoParser() {
    }

    /** All mounts of a mountinfo text, in kernel order; blank lines are ignored. */
    public static List<MountEntry> parseAll(String mountinfo) {
        List<MountEntry> entries = new ArrayList<>();
        for (String line : mountinfo.split("\n")) {
            if (!line.isBlank()) {
                entries.add(parse(line));
            }
        }
        return entries;
    }

    /**
     * One mountinfo line: {@code 36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue}.
     *
     * @throws IllegalArgumentException when the line does not have that shape
     */
    public static MountEntry parse(String line) {
        String[] fields = line.strip().split(" ");
        int separator = Arrays.asList(fields).indexOf("-");
        if (fields.length < 10 || separator < 6 || fields.length < separator + 3) {
            throw new IllegalArgumentException("not a mountinfo line: " + line);
        }
        String[] device = fields[2].split(":");
        if (device.length != 2) {
            throw new IllegalArgumentException("bad major:minor \"" + fields[2] + "\" in mountinfo line: " + line);
        }
        try {
            return new MountEntry(
                    Integer.parseInt(fields[0]),
                    Integer.parseInt(fields[1]),
                    Integer.parseInt(device[0]),
                    Integer.parseInt(device[1]),
                    unescape(fields[3]),
                    Path.of(unescape(fields[4])),
                    options(fields[5]),
                    List.of(Arrays.copyOfRange(fields, 6, separator)),
                    unescape(fields[separator + 1]),
                    unescape(fields[separator + 2]),
                    fields.length > separator + 3 ? options(fields[separator + 3]) : List.of());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad number in mountinfo line: " + line, e);
        }
    }

    /** Decodes the kernel's {@code \ooo} octal escapes ({@code \040} is a space). */
    static String unescape(String field) {
        if (field.indexOf('\\') < 0) {
            return field;
        }
        StringBuilder out = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && isOctal(field, i + 1)) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean isOctal(String s, int from) {
        if (from + 3 > s.length()) {
            return false;
        }
        for (int i = from; i < from + 3; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '7') {
                return false;
            }
        }
        return true;
    }

    private static List<String> options(String field) {
        return List.of(unescape(field).split(","));
    }
}
