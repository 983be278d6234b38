package io.pvcresizer.fs.command;

import io.pvcresizer.common.command.Command;
import io.pvcresizer.common.command.CommandFailedException;
import io.pvcresizer.common.command.CommandNotFoundException;
import io.pvcresizer.common.command.CommandResult;
import io.pvcresizer.common.command.CommandRunner;
import io.pvcresizer.common.command.CommandTimeoutException;
import io.pvcresizer.common.failure.Reason;
import io.pvcresizer.common.failure.ResizeException;
import java.time.Duration;
import java.util.Objects;

/**
 * Runs the node's tools through the shared {@link CommandRunner} with the configured timeout, and is the one place
 * that turns a tool's failure into a classified {@link ResizeException}: a timeout is transient, a missing tool or a
 * non-zero exit is final.
 */
public class NodeCommands {

    private final CommandRunner runner;
    private final Duration timeout;

    public NodeCommands(CommandRunner runner, Duration timeout) {
        this.runner = Objects.requireNonNull(runner, "runner");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /**
     * Runs a tool that must exit 0.
     *
     * @param failureReason the reason of the failure when it does not (a final one)
     * @return the result of a successful run
     * @throws ResizeException classified as described on the class
     */
    public CommandResult run(Reason failureReason, String... argv) {
        CommandResult result = runAnyExit(argv);
        if (!result.succeeded()) {
            throw failed(failureReason, result);
        }
        return result;
    }

    /**
     * Runs a tool and returns its result whatever the exit code, for callers that read meaning into exit codes.
     *
     * @throws ResizeException when the tool timed out or is not installed
     */
    public CommandResult runAnyExit(String... argv) {
        Command command = Command.of(timeout, argv);
        try {
            return runner.run(command);
        } catch (CommandTimeoutException e) {
            throw new ResizeException(Reason.COMMAND_TIMEOUT, e.getMessage(), e);
        } catch (CommandNotFoundException e) {
            throw new ResizeException(Reason.TOOL_NOT_FOUND, e.getMessage(), e);
        }
    }

    /** The final failure of a tool that exited with an unacceptable code; the message names program, arguments and stderr. */
    public static ResizeException failed(Reason failureReason, CommandResult result) {
        CommandFailedException cause = new CommandFailedException(result);
        return new ResizeException(failureReason, cause.getMessage(), cause);
    }
}
