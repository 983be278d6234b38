package io.pvcresizer.common.command;

import java.time.Duration;

/**
 * What a finished program left: exit code, captured output and how long it ran.
 *
 * @param command  the command that ran
 * @param exitCode its exit code
 * @param stdout   standard output
 * @param stderr   standard error
 * @param duration wall time
 */
public record CommandResult(Command command, int exitCode, String stdout, String stderr, Duration duration) {

    public boolean succeeded() {
        return exitCode == 0;
    }

    /** Throws a {@link CommandFailedException} naming the program, its arguments and stderr unless it exited 0. */
    public CommandResult orThrow() {
        if (!succeeded()) {
            throw new CommandFailedException(this);
        }
        return this;
    }
}
