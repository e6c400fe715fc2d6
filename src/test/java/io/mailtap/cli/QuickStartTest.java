package io.mailtap.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * README's first command, {@code ./mailtap replay samples/quickstart.pcap}, with no file the user
 * wrote: the sample's address plan is picked up beside it, and the summary shows both incidents.
 */
class QuickStartTest {
    @TempDir
    Path out;

    @Test
    void theFirstCommandShowsTheIncidentsFindings() {
        Cli r = Cli.run("replay", "--out", out.toString(), "samples/quickstart.pcap");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("mailtap: using samples/quickstart.mailtap.yml");
        assertThat(r.out()).doesNotContain("Findings: none")
                // incident 1: the firewall's HELO 127.0.0.1, and a workstation speaking SMTP to the internet
                .containsPattern(row("bad_helo", "198.18.10.254 127.0.0.1"))
                .containsPattern(row("egress_policy", "198.18.10.21") + ".*smtp")
                // incident 2: the null-sender burst, named by the account that sent it
                .containsPattern(row("null_sender_burst", "account:mallory") + ".*account mallory sent 30 null-sender");
    }

    @Test
    void theAddressPlanIsTheLabsNotACopy() throws IOException {
        Path beside = Path.of("samples/quickstart.mailtap.yml");
        assertThat(Files.readString(beside)).isEqualTo(Files.readString(Path.of("samples/lab.yml")));
    }

    @Test
    void anExplicitConfigWinsOverTheOneBesideTheCapture() {
        Cli r = Cli.run("replay", "--config", "config/mailtap.yml", "--out", out.toString(), "--show", "0",
                "samples/quickstart.pcap");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).doesNotContain("quickstart.mailtap.yml");
        // the defaults' RFC 1918 plan does not cover the lab's 198.18.0.0/15: no egress finding
        assertThat(r.out()).doesNotContainPattern(row("egress_policy", "198.18.10.21"));
    }

    private static String row(String rule, String key) {
        return "(?m)^  " + Pattern.quote(rule) + " +\\S+ +\\S+ +" + Pattern.quote(key) + " ";
    }
}
