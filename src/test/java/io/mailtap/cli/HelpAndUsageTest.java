package io.mailtap.cli;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HelpAndUsageTest {
    @ParameterizedTest
    @ValueSource(strings = {"replay", "check-config", "interfaces"})
    void everyCommandAnswersHelp(String command) {
        Cli r = Cli.run(command, "--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("Usage: mailtap " + command);
    }

    @Test
    void aMissingArgumentIsAUsageErrorWithExitTwo() {
        Cli r = Cli.run("replay");
        assertThat(r.exit()).isEqualTo(Main.EXIT_USAGE);
        assertThat(r.err()).contains("Missing required parameter").contains("mailtap replay --help");
    }

    @Test
    void anUnknownCommandIsAUsageError() {
        assertThat(Cli.run("frobnicate").exit()).isEqualTo(Main.EXIT_USAGE);
    }
}
