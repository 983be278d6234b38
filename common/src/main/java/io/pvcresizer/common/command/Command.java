package io.pvcresizer.common.command;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * An external program call as an argument array (never a shell line), with its timeout and the indexes of arguments
 * that are secrets and must never be logged.
 *
 * @param argv      program and arguments
 * @param timeout   how long the program may run before it is killed
 * @param secretArgs indexes into {@code argv} of arguments shown as {@code ***} in logs and errors
 */
public record Command(List<String> argv, Duration timeout, Set<Integer> secretArgs) {

    public Command {
        argv = List.copyOf(argv);
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
        Objects.requireNonNull(timeout, "timeout");
        secretArgs = Set.copyOf(secretArgs);
    }

    /** A command with no secret arguments. */
    public static Command of(Duration timeout, String... argv) {
        return new Command(List.of(argv), timeout, Set.of());
    }

    /** The program name. */
    public String program() {
        return argv.get(0);
    }

    /** The command line as safe to log: secrets replaced by {@code ***}. */
    public String redacted() {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < argv.size(); i++) {
            if (i > 0) {
                line.append(' ');
            }
            line.append(secretArgs.contains(i) ? "***" : argv.get(i));
        }
        return line.toString();
    }
}
