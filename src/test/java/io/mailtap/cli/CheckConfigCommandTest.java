package io.mailtap.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Every class of configuration mistake: one message naming the key, exit code 2, nothing started. */
class CheckConfigCommandTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            unknown key        | network:\\n  internall: [10.0.0.0/8]\\n                  | config error: network.internall:
            bad CIDR           | network:\\n  internal: [10.0.0.0/33]\\n                   | config error: network.internal
            negative window    | detect:\\n  null_sender_burst:\\n    window: -5m\\n      | config error: detect.null_sender_burst.window:
            wrong type         | flow:\\n  max_flows: lots\\n                            | config error: flow.max_flows:
            bad duration       | flow:\\n  idle_timeout: 5 fortnights\\n                 | config error: flow.idle_timeout:
            policy port unused | smtp:\\n  ports: [587]\\n  policy_ports: [25]\\n          | config error: smtp.policy_ports:
            not YAML at all    | network: [unclosed\\n                                  | config error
            """)
    void eachMistakeIsOneClearMessageAndExitTwo(String what, String yaml, String expected) throws IOException {
        Path cfg = Files.writeString(dir.resolve("bad.yml"), yaml.replace("\\n", "\n"));
        for (String[] cmd : new String[][] {
                {"check-config", cfg.toString()},
                {"replay", "--config", cfg.toString(), "--out", dir.toString(), "samples/quickstart.pcap"},
                {"run", "--config", cfg.toString()}}) {
            Cli r = Cli.run(cmd);
            assertThat(r.exit()).as("%s: %s", what, cmd[0]).isEqualTo(Main.EXIT_USAGE);
            assertThat(r.err()).as("%s: %s", what, cmd[0]).contains(expected).doesNotContain("\tat ");
            assertThat(r.out()).as("nothing was printed as if it ran").isEmpty();
        }
        assertThat(dir.resolve("smtp.jsonl")).as("replay started nothing").doesNotExist();
    }

    @Test
    void aValidFilePrintsTheEffectiveConfigWithSecretsRedactedAndWarnings() throws IOException {
        Path cfg = Files.writeString(dir.resolve("ok.yml"),
                "network:\n  mail_servers: [10.0.0.25]\nmetrics:\n  basic_auth:\n    username: prom\n    password: hunter2-secret\n");
        Cli r = Cli.run("check-config", cfg.toString());
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("mail_servers").contains("10.0.0.25").contains("<redacted>").doesNotContain("hunter2-secret");
        assertThat(r.err()).contains("warning: detect.open_relay");
    }

    @Test
    void theShippedConfigsAreValid() {
        assertThat(Cli.run("check-config", "config/mailtap.yml").exit()).isZero();
        assertThat(Cli.run("check-config", "samples/lab.yml").exit()).isZero();
    }

    /** A token from a YAML block scalar ends in a newline: refused by check-config (and run), never shown. */
    @Test
    void aBearerTokenWithATrailingNewlineFailsTheCheckWithoutBeingShown() throws IOException {
        Path cfg = Files.writeString(dir.resolve("tok.yml"),
                "alerts:\n  webhook:\n    url: https://hooks.example/x\n    bearer_token: |\n      tok-SECRET-1234\n");
        for (String[] cmd : new String[][] {{"check-config", cfg.toString()}, {"run", "--config", cfg.toString()}}) {
            Cli r = Cli.run(cmd);
            assertThat(r.exit()).as(cmd[0]).isEqualTo(Main.EXIT_USAGE);
            assertThat(r.err()).contains("alerts.webhook.bearer_token").contains("line break").doesNotContain("tok-SECRET-1234");
            assertThat(r.out()).doesNotContain("tok-SECRET-1234");
        }
    }

    @Test
    void aMalformedUrlIsReportedWithoutItsPassword() throws IOException {
        Path cfg = Files.writeString(dir.resolve("url.yml"),
                "alerts:\n  webhook:\n    url: \"http://ops:pw-SECRET-5678@exa mple.com/hook\"\n"
                        + "  alertmanager:\n    urls: [\"ftp://am:am-SECRET-9@am.example/\"]\n");
        Cli r = Cli.run("check-config", cfg.toString());
        assertThat(r.exit()).isEqualTo(Main.EXIT_USAGE);
        assertThat(r.err()).contains("alerts.webhook.url").contains("alerts.alertmanager.urls")
                .doesNotContain("pw-SECRET-5678", "am-SECRET-9");
    }

    @Test
    void theEffectiveConfigDoesNotPrintAUrlPassword() throws IOException {
        Path cfg = Files.writeString(dir.resolve("am.yml"),
                "alerts:\n  alertmanager:\n    urls: [\"http://am:am-SECRET-42@am.example:9093\"]\n");
        Cli r = Cli.run("check-config", cfg.toString());
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("am.example:9093").doesNotContain("am-SECRET-42");
    }
}
