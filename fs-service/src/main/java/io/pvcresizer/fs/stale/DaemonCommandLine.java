package io.pvcresizer.fs.stale;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The command line of the FUSE daemon that serves a mount, as read from the proc filesystem while the mount was healthy:
 * what is run again to remount it "with the same source and options".
 *
 * @param pid  the daemon's process id when it was read
 * @param argv its command line, program first
 */
public record DaemonCommandLine(long pid, List<String> argv) {

    /** Options whose next argument is a secret. */
    private static final Set<String> SECRET_OPTIONS = Set.of("--key", "--secret", "--password", "--passwd");
    /** Text that marks an argument as (or as holding) a secret, such as {@code -o secret=...}. */
    private static final List<String> SECRET_MARKS = List.of("--key=", "--secret=", "--password=", "--passwd=",
            "secret=", "password=", "passwd=");

    public DaemonCommandLine {
        argv = List.copyOf(argv);
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("empty command line");
        }
    }

    /** The program's file name ({@code ceph-fuse} for {@code /usr/bin/ceph-fuse}). */
    public String programName() {
        Path program = Path.of(argv.get(0)).getFileName();
        return program == null ? argv.get(0) : program.toString();
    }

    /**
     * Indexes of arguments that are secrets or carry one (a key given on the command line, {@code -o secret=...}), to
     * be shown as {@code ***} wherever the command line is logged.
     */
    public Set<Integer> secretIndexes() {
        Set<Integer> secrets = new HashSet<>();
        for (int i = 0; i < argv.size(); i++) {
            String arg = argv.get(i).toLowerCase(Locale.ROOT);
            if (i > 0 && SECRET_OPTIONS.contains(argv.get(i - 1))) {
                secrets.add(i);
            }
            for (String mark : SECRET_MARKS) {
                if (arg.startsWith(mark) || arg.contains("," + mark)) {
                    secrets.add(i);
                }
            }
        }
        return secrets;
    }

    /** The command line as safe to log. */
    public String redacted() {
        Set<Integer> secrets = secretIndexes();
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < argv.size(); i++) {
            if (i > 0) {
                line.append(' ');
            }
            line.append(secrets.contains(i) ? "***" : argv.get(i));
        }
        return line.toString();
    }
}
