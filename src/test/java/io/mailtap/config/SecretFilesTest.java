package io.mailtap.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Secrets from files (as Prometheus' *_file keys), sensor.site and output.stats_interval. */
class SecretFilesTest {
    @TempDir
    Path dir;

    @Test
    void secretsComeFromFilesReadAtEveryLoadAndNeverShown() throws Exception {
        Path token = dir.resolve("token");
        Path password = dir.resolve("password");
        Files.writeString(token, "tok-ABC123\n");
        Files.writeString(password, "pässword one");
        Path cfgFile = dir.resolve("mailtap.yml");
        Files.writeString(cfgFile, "alerts:\n  webhook:\n    url: https://hooks.example/x\n    bearer_token_file: " + token + "\n"
                + "metrics:\n  basic_auth:\n    username: prometheus\n    password_file: " + password + "\n");
        MailtapConfig c = ConfigLoader.load(cfgFile);
        assertThat(c.view().string("alerts.webhook.bearer_token")).isEqualTo("tok-ABC123");
        assertThat(c.metrics().basicAuth().password()).isEqualTo("pässword one");
        assertThat(ConfigPrinter.toYaml(c)).doesNotContain("tok-ABC123").doesNotContain("pässword");
        assertThat(c.toString() + c.alerts() + c.metrics()).doesNotContain("tok-ABC123").doesNotContain("pässword");

        Files.writeString(token, "tok-ROTATED\n"); // a reload reads the file again
        MailtapConfig reloaded = ConfigLoader.load(cfgFile);
        assertThat(reloaded.view().string("alerts.webhook.bearer_token")).isEqualTo("tok-ROTATED");
        assertThat(reloaded).isNotEqualTo(c);
    }

    @Test
    void aMissingFileOrBothKeysAreErrorsThatNameTheKeyNotTheSecret() throws Exception {
        Path token = dir.resolve("token");
        Files.writeString(token, "tok-SECRET");
        assertThatThrownBy(() -> ConfigLoader.parse("alerts:\n  webhook:\n    bearer_token_file: " + dir.resolve("nope") + "\n"))
                .hasMessageContaining("config error: alerts.webhook.bearer_token_file: cannot read " + dir.resolve("nope"));
        assertThatThrownBy(() -> ConfigLoader.parse("alerts:\n  webhook:\n    bearer_token: inline-SECRET\n    bearer_token_file: "
                + token + "\n"))
                .hasMessageContaining("alerts.webhook.bearer_token_file: set bearer_token or bearer_token_file, not both")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("SECRET"));
        Files.writeString(token, "\n");
        assertThatThrownBy(() -> ConfigLoader.parse("metrics:\n  basic_auth:\n    username: u\n    password_file: " + token + "\n"))
                .hasMessageContaining("metrics.basic_auth.password_file: " + token + " is empty");
    }

    @Test
    void siteAndStatsInterval() {
        MailtapConfig d = ConfigLoader.defaults();
        assertThat(d.sensor().site()).isNull();
        assertThat(d.output().statsInterval()).isEqualTo(Duration.ofMinutes(5));
        MailtapConfig c = ConfigLoader.parse("sensor:\n  name: edge-1\n  site: fra1\noutput:\n  stats_interval: 0\n");
        assertThat(c.sensor().site()).isEqualTo("fra1");
        assertThat(c.alertSettings().site()).isEqualTo("fra1");
        assertThat(c.output().statsInterval()).isZero();
        assertThat(ConfigLoader.parse("output:\n  stats_interval: \"30s\"\n").output().statsInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThatThrownBy(() -> ConfigLoader.parse("output:\n  stats_interval: 30\n")).hasMessageContaining("output.stats_interval");
    }
}
