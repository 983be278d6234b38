package io.pvcresizer.common.command;

/** Runs external programs; the single door through which pvc-resizer reaches any command-line tool. */
public interface CommandRunner {

    /**
     * Runs the command to completion.
     *
     * @return the result, whatever the exit code
     * @throws CommandTimeoutException when it outlives its timeout (it is killed)
     * @throws CommandNotFoundException when the program is not on PATH
     */
    CommandResult run(Command command);
}
