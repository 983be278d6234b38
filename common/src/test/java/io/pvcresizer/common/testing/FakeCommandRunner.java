package io.pvcresizer.common.testing;

import io.pvcresizer.common.command.Command;
import io.pvcresizer.common.command.CommandResult;
import io.pvcresizer.common.command.CommandRunner;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A hand-written {@link CommandRunner} that answers each expected argument array with canned output (captured from the
 * real tools), records every call, and fails the test on a command nobody expected.
 */
public class FakeCommandRunner implements CommandRunner {

    private final Map<List<String>, Deque<Function<Command, CommandResult>>> answers = new HashMap<>();
    private final List<List<String>> calls = new ArrayList<>();

    /** Answers the command with these outputs, one per call in order; the last one repeats. */
    public FakeCommandRunner on(List<String> argv, int exitCode, String stdout, String stderr) {
        answers.computeIfAbsent(List.copyOf(argv), k -> new ArrayDeque<>())
                .add(command -> new CommandResult(command, exitCode, stdout, stderr, Duration.ofMillis(3)));
        return this;
    }

    /** Answers the command with a successful run printing {@code stdout}. */
    public FakeCommandRunner on(List<String> argv, String stdout) {
        return on(argv, 0, stdout, "");
    }

    /** Makes the command throw, as the real runner does on a timeout or a missing program. */
    public FakeCommandRunner throwing(List<String> argv, Function<Command, RuntimeException> failure) {
        answers.computeIfAbsent(List.copyOf(argv), k -> new ArrayDeque<>()).add(command -> {
            throw failure.apply(command);
        });
        return this;
    }

    @Override
    public CommandResult run(Command command) {
        calls.add(command.argv());
        Deque<Function<Command, CommandResult>> queue = answers.get(command.argv());
        if (queue == null || queue.isEmpty()) {
            throw new AssertionError("unexpected command: " + command.redacted());
        }
        Function<Command, CommandResult> answer = queue.size() > 1 ? queue.poll() : queue.peek();
        return answer.apply(command);
    }

    /** Every command run, in order. */
    public List<List<String>> calls() {
        return List.copyOf(calls);
    }

    /** The programs run, in order. */
    public List<String> programs() {
        return calls.stream().map(argv -> argv.get(0)).toList();
    }
}
