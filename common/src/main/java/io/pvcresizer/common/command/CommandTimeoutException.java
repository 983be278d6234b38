package io.pvcresizer.common.command;

import java.time.Duration;

/** An external program ran past its timeout and was killed. */
public class CommandTimeoutException extends RuntimeException {

    public CommandTimeoutException(Command command, Duration timeout) {
        super(command.redacted() + " did not finish within " + timeout.toMillis() + " ms and was killed");
    }
}
