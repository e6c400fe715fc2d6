package io.mailtap.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** mailtap(1) is generated from the commands themselves, and it is a man page groff accepts without a warning. */
class ManPageTest {
    @Test
    void everyCommandAndOptionIsInTheManualAndGroffRendersItCleanly() throws Exception {
        Cli r = Cli.run("generate-manpage");
        assertThat(r.exit()).isZero();
        String page = r.out();
        assertThat(page).startsWith(".TH MAILTAP 1 ");
        CommandLine root = new CommandLine(new Main());
        root.getSubcommands().forEach((name, sub) -> {
            if (name.equals("help")) return;
            assertThat(page).as("command %s", name).contains(".SS \"mailtap " + ManPageCommand.text(name) + "\"");
            sub.getCommandSpec().options().forEach(o -> {
                for (String n : o.names()) assertThat(page).as("%s option %s", name, n).contains(ManPageCommand.text(n));
            });
        });
        assertThat(page).contains("MAILTAP_LOG_FORMAT").contains("anomalies.jsonl").doesNotContain("%n").doesNotContain("%%");

        boolean groff = Files.isExecutable(Path.of("/usr/bin/groff"));
        if (!"true".equalsIgnoreCase(System.getenv("CI"))) assumeTrue(groff, "groff is not installed");
        Path file = Files.createTempFile("mailtap", ".1");
        try {
            Files.writeString(file, page);
            Process p = new ProcessBuilder("groff", "-man", "-Tutf8", "-ww", "-z", file.toString()).start();
            String warnings = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isZero();
            assertThat(warnings).as("groff warnings").isEmpty();
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void roffTextCannotStartARequestOrLoseABackslash() {
        assertThat(ManPageCommand.text(".EX")).isEqualTo("\\&.EX");
        assertThat(ManPageCommand.text("a\\b --x")).isEqualTo("a\\eb \\-\\-x");
    }
}
