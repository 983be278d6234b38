package io.pvcresizer.common.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProcessCommandRunnerTest {

    private final CommandRunner runner = new ProcessCommandRunner();

    @Test
    void shouldPassArgumentsWithoutAShell() {
        CommandResult result = runner.run(Command.of(Duration.ofSeconds(5), "echo", "a; rm -rf /", "$(id)"));

        assertThat(result.succeeded()).isTrue();
        assertThat(result.stdout()).isEqualTo("a; rm -rf / $(id)\n");
    }

    @Test
    void shouldNameProgramArgumentsAndStderrWhenItFails() {
        CommandResult result = runner.run(Command.of(Duration.ofSeconds(5), "ls", "/no/such/dir"));

        assertThatThrownBy(result::orThrow).isInstanceOf(CommandFailedException.class)
                .hasMessageContaining("ls /no/such/dir exited 2").hasMessageContaining("No such file or directory");
    }

    @Test
    void shouldKillAProgramThatOutlivesItsTimeout() {
        assertThatThrownBy(() -> runner.run(Command.of(Duration.ofMillis(300), "sleep", "30")))
                .isInstanceOf(CommandTimeoutException.class).hasMessageContaining("sleep 30 did not finish within 300 ms");
    }

    @Test
    void shouldSayWhenTheProgramIsNotInstalled() {
        assertThatThrownBy(() -> runner.run(Command.of(Duration.ofSeconds(1), "rbd-not-installed", "info")))
                .isInstanceOf(CommandNotFoundException.class).hasMessageContaining("executable file not found in $PATH");
    }

    @Test
    void shouldNeverShowSecretArguments() {
        Command command = new Command(List.of("rbd", "--key", "AQBsecret==", "info", "pool/img"), Duration.ofSeconds(1), Set.of(2));
        CommandResult failed = new CommandResult(command, 1, "", "boom", Duration.ZERO);

        assertThat(command.redacted()).isEqualTo("rbd --key *** info pool/img");
        assertThatThrownBy(failed::orThrow).hasMessageNotContaining("AQBsecret").hasMessageContaining("--key ***");
    }
}
