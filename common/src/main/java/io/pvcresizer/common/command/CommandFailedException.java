package io.pvcresizer.common.command;

/** An external program exited non-zero; the message names it, its (redacted) arguments, exit code and stderr. */
public class CommandFailedException extends RuntimeException {

    private final CommandResult result;

    public CommandFailedException(CommandResult result) {
        super(result.command().redacted() + " exited " + result.exitCode() + ": " + firstLines(result.stderr(), result.stdout()));
        this.result = result;
    }

    public CommandResult result() {
        return result;
    }

    private static String firstLines(String stderr, String stdout) {
        String text = stderr == null || stderr.isBlank() ? stdout : stderr;
        if (text == null || text.isBlank()) {
            return "(no output)";
        }
        String trimmed = text.strip();
        return trimmed.length() > 500 ? trimmed.substring(0, 500) + "…" : trimmed;
    }
}
