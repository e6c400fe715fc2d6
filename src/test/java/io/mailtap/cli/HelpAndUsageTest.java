package io.mailtap.cli;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HelpAndUsageTest {
    /** Every subcommand Main declares, so a new command cannot be left without --help. */
    static Stream<String> commands() {
        return Main.commandLine().getSubcommands().keySet().stream().filter(c -> !c.equals("help"));
    }

    @ParameterizedTest
    @MethodSource("commands")
    void everyCommandAnswersHelp(String command) {
        Cli r = Cli.run(command, "--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("Usage: mailtap " + command);
    }

    @Test
    void aMissingArgumentIsAUsageErrorWithExitTwo() {
        Cli r = Cli.run("replay");
        assertThat(r.exit()).isEqualTo(Main.EXIT_USAGE);
        assertThat(r.err()).contains("Missing required parameter").contains("Try 'mailtap replay --help'.");
    }

    @Test
    void benchGenWritesASeededCaptureThatReplays(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        String pcap = dir.resolve("small.pcap").toString();
        Cli gen = Cli.run("bench-gen", "--out", pcap, "--packets", "5k", "--seed", "7");
        assertThat(gen.exit()).as(gen.err()).isZero();
        Cli replay = Cli.run("replay", "--out", dir.toString(), "--show", "0", pcap);
        assertThat(replay.exit()).as(replay.err()).isZero();
        assertThat(replay.out()).containsPattern("SMTP: [0-9,]+ connections").doesNotContain("SMTP: 0 connections");
    }

    @Test
    void anUnknownCommandIsAUsageError() {
        assertThat(Cli.run("frobnicate").exit()).isEqualTo(Main.EXIT_USAGE);
    }
}
