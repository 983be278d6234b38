package io.pvcresizer.common.command;

/** The program of a command could not be started, usually because it is not installed or not on PATH. */
public class CommandNotFoundException extends RuntimeException {

    public CommandNotFoundException(Command command, Throwable cause) {
        super("cannot run " + command.program() + ": executable file not found in $PATH or not executable", cause);
    }
}
