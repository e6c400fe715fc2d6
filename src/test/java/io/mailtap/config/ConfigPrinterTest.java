package io.mailtap.config;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ConfigPrinterTest {

    @Test
    void effectiveConfigRoundTrips() {
        MailtapConfig d = ConfigLoader.defaults();
        for (boolean comments : new boolean[]{true, false}) {
            String yaml = ConfigPrinter.toYaml(d, comments);
            assertThat(ConfigLoader.parse(yaml)).isEqualTo(d);
        }
        MailtapConfig custom = ConfigLoader.parse("""
                sensor: { name: "yes" }
                network: { internal: ["2001:db8::/32"], public_helo: [mail.example.org] }
                detect:
                  bad_helo: { resolve_after: 90m, severity: info }
                  blocklist_rejection: { patterns: ["listed: at", 're:\\d+\\.\\d+ "quoted"'] }
                  auth_guest_account: { accounts: ["Gäst", "null", "true"] }
                flow: { attempt_timeout: 1500ms }
                metrics: { listen: "[::1]:9725" }
                alerts: { log: { path: null }, alertmanager: { urls: ["http://am.example:9093"] } }
                """);
        assertThat(ConfigLoader.parse(ConfigPrinter.toYaml(custom))).isEqualTo(custom);
    }

    @Test
    void everyKeyIsPrintedWithItsDefault() {
        String yaml = ConfigPrinter.toYaml(ConfigLoader.defaults(), false);
        assertThat(yaml).contains("  policy_ports: [25]\n", "  resolve_after: 15m\n", "  buffer_size: 64MiB\n",
                "  internal: [10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, \"fc00::/7\"]\n", "  listen: \"127.0.0.1:9725\"\n");
        assertThat(yaml.lines().filter(l -> l.matches("\\s*[a-z_]+: .+")).count()).isEqualTo(Schema.leaves().size());
    }

    @Test
    void secretsAreRedacted() {
        MailtapConfig c = ConfigLoader.parse("""
                alerts: { webhook: { url: "https://hooks.example/x", bearer_token: s3cr3t-t0ken } }
                metrics: { basic_auth: { username: prom, password: hunter2 } }
                """);
        String yaml = ConfigPrinter.toYaml(c);
        assertThat(yaml).doesNotContain("s3cr3t").doesNotContain("hunter2")
                .contains("    bearer_token: \"<redacted>\"\n").contains("    password: \"<redacted>\"\n")
                .contains("    username: prom\n");
        assertThat(ConfigPrinter.toYaml(ConfigLoader.defaults())).contains("    password: null\n");
    }

    @Test
    void markdownReferenceListsEveryKey() {
        String md = ConfigPrinter.markdownReference();
        for (String key : Schema.leaves().keySet()) {
            String[] parts = key.split("\\.");
            boolean common = parts.length == 3 && parts[0].equals("detect")
                    && java.util.Set.of("enabled", "renotify_interval", "resolve_after").contains(parts[2]);
            assertThat(md).contains(common ? "| `detect.<rule>." + parts[2] + "` |" : "| `" + key + "` |");
        }
        assertThat(md).contains("| `detect.open_relay.severity` | severity | `critical` |");
        assertThat(md).doesNotContain("<url>");
    }
}
