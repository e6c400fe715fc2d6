package io.mailtap.config;

import io.mailtap.alert.AlertSettings;
import io.mailtap.detect.DetectPlan;
import io.mailtap.detect.NullSenderKey;
import io.mailtap.detect.RuleId;
import io.mailtap.detect.Severity;
import io.mailtap.flow.FlowSettings;
import io.mailtap.smtp.SmtpSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigLoaderTest {
    static final Path SHIPPED = Path.of("config/mailtap.yml");

    private static ConfigException error(String yaml) {
        try {
            ConfigLoader.parse(yaml);
        } catch (ConfigException e) {
            return e;
        }
        throw new AssertionError("expected a ConfigException for:\n" + yaml);
    }

    // ------------------------------------------------------------------ the shipped file

    @Test
    void shippedConfigLoadsToExactlyTheDefaults() {
        MailtapConfig shipped = ConfigLoader.load(SHIPPED);
        MailtapConfig defaults = ConfigLoader.defaults();
        assertThat(shipped).isEqualTo(defaults);
        assertThat(shipped.values()).isEqualTo(defaults.values());
    }

    @Test
    void shippedConfigSpellsOutEveryKey() {
        MailtapConfig shipped = ConfigLoader.load(SHIPPED);
        assertThat(shipped.explicitKeys()).containsExactlyInAnyOrderElementsOf(Schema.leaves().keySet());
    }

    @Test
    void emptyFileIsTheDefaults() {
        assertThat(ConfigLoader.parse("")).isEqualTo(ConfigLoader.defaults());
        assertThat(ConfigLoader.parse("# nothing\n")).isEqualTo(ConfigLoader.defaults());
        assertThat(ConfigLoader.parse("detect:\nalerts:\n")).isEqualTo(ConfigLoader.defaults());
    }

    // ------------------------------------------------------------------ defaults and mappers

    @Test
    void defaultsMapToTheStagesOwnDefaults() {
        MailtapConfig d = ConfigLoader.defaults();
        assertThat(d.smtpSettings()).isEqualTo(SmtpSettings.defaults());
        FlowSettings f = d.flowSettings(), fd = FlowSettings.defaults();
        assertThat(f.smtpPorts()).isEqualTo(fd.smtpPorts());
        assertThat(f.trackAllTcp()).isEqualTo(fd.trackAllTcp());
        assertThat(f.maxFlows()).isEqualTo(fd.maxFlows());
        assertThat(f.maxBufferedBytesPerDirection()).isEqualTo(fd.maxBufferedBytesPerDirection());
        assertThat(f.maxBufferedBytesTotal()).isEqualTo(fd.maxBufferedBytesTotal());
        assertThat(f.attemptTimeoutMicros()).isEqualTo(fd.attemptTimeoutMicros());
        assertThat(f.idleTimeoutMicros()).isEqualTo(fd.idleTimeoutMicros());
        assertThat(f.closedTimeoutMicros()).isEqualTo(fd.closedTimeoutMicros());
        assertThat(d.sensor().name()).isNotBlank();
        assertThat(d.alertLogPath()).isEqualTo(Path.of("./alerts.jsonl"));
    }

    @Test
    void defaultRuleSettings() {
        DetectPlan s = DetectPlan.from(ConfigLoader.defaults().view());
        assertThat(s.maxTrackedKeys()).isEqualTo(10_000);
        assertThat(s.policyPorts()).containsExactly(25);
        assertThat(s.internal().cidrs()).containsExactly("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7");
        assertThat(s.severity(RuleId.EGRESS_POLICY)).isEqualTo(Severity.CRITICAL);
        assertThat(s.severity(RuleId.NULL_SENDER_BURST)).isEqualTo(Severity.CRITICAL);
        assertThat(s.severity(RuleId.AUTH_ACCOUNT_BURST)).isEqualTo(Severity.WARNING);
        assertThat(s.severity(RuleId.AUTH_GUEST_ACCOUNT)).isEqualTo(Severity.CRITICAL);
        assertThat(s.severity(RuleId.AUTH_FAILURES)).isEqualTo(Severity.WARNING);
        assertThat(s.severity(RuleId.BAD_HELO)).isEqualTo(Severity.WARNING);
        assertThat(s.severity(RuleId.BLOCKLIST_REJECTION)).isEqualTo(Severity.CRITICAL);
        assertThat(s.severity(RuleId.OPEN_RELAY)).isEqualTo(Severity.CRITICAL);
        // each rule's own settings: detect/RulesTest
        for (RuleId r : RuleId.values()) assertThat(s.enabled(r)).isTrue();
    }

    @Test
    void valuesAreMappedAndNormalised() {
        MailtapConfig c = ConfigLoader.parse("""
                sensor: { name: edge-1 }
                network:
                  internal: [198.18.0.0/15, "2001:DB8::/32", 203.0.113.9]
                  mail_servers: [198.18.10.5]
                  public_helo: [MAIL.Example.ORG.]
                  local_domains: [Example.org]
                smtp: { ports: [25, 587], policy_ports: [25], detect_on_any_port: true, max_command_line_bytes: 8KiB }
                flow: { max_buffered_bytes_per_direction: 64KiB, idle_timeout: 1h30m, attempt_timeout: 1500ms }
                capture: { buffer_size: 32MiB, ring_size: 1024 }
                detect:
                  max_tracked_keys: 5
                  null_sender_burst: { window: 2m, threshold: 3, keys: [account], severity: WARNING }
                  bad_helo: { resolve_after: 2h }
                  egress_policy: { renotify_interval: 10m }
                alerts:
                  dedup: { renotify_interval: 2h, resolve_after: 30m, max_open_alerts: 7 }
                  log: { path: /var/log/mailtap/alerts.jsonl }
                """);
        assertThat(c.sensor().name()).isEqualTo("edge-1");
        assertThat(c.network().internal()).containsExactly("198.18.0.0/15", "2001:db8::/32", "203.0.113.9/32");
        assertThat(c.network().publicHelo()).containsExactly("mail.example.org");
        assertThat(c.network().localDomains()).containsExactly("example.org");
        assertThat(c.smtpSettings().maxCommandLineBytes()).isEqualTo(8192);
        assertThat(c.flowSettings().smtpPorts()).containsExactly(25, 587);
        assertThat(c.flowSettings().trackAllTcp()).isTrue();
        assertThat(c.flowSettings().maxBufferedBytesPerDirection()).isEqualTo(65536);
        assertThat(c.flowSettings().idleTimeoutMicros()).isEqualTo(5_400_000_000L);
        assertThat(c.flowSettings().attemptTimeoutMicros()).isEqualTo(1_500_000L);
        assertThat(c.capture().bufferSize()).isEqualTo(32 * 1024 * 1024);
        assertThat(c.capture().ringSize()).isEqualTo(1024);
        DetectPlan d = DetectPlan.from(c.view());
        assertThat(d.maxTrackedKeys()).isEqualTo(5);
        assertThat(c.view().section("detect.null_sender_burst").<NullSenderKey>list("keys")).containsExactly(NullSenderKey.ACCOUNT);
        assertThat(d.severity(RuleId.NULL_SENDER_BURST)).isEqualTo(Severity.WARNING);
        assertThat(c.view().section("detect.null_sender_burst").micros("window")).isEqualTo(120_000_000L);
        AlertSettings a = c.alertSettings();
        assertThat(a.sensor()).isEqualTo("edge-1");
        assertThat(a.maxOpenAlertsPerRule()).isEqualTo(7);
        assertThat(a.policy(RuleId.OPEN_RELAY)).isEqualTo(new AlertSettings.Policy(Duration.ofHours(2), Duration.ofMinutes(30)));
        assertThat(a.policy(RuleId.BAD_HELO)).isEqualTo(new AlertSettings.Policy(Duration.ofHours(2), Duration.ofHours(2)));
        assertThat(a.policy(RuleId.EGRESS_POLICY)).isEqualTo(new AlertSettings.Policy(Duration.ofMinutes(10), Duration.ofMinutes(30)));
        assertThat(c.alertLogPath()).isEqualTo(Path.of("/var/log/mailtap/alerts.jsonl"));
    }

    // ------------------------------------------------------------------ mistakes

    @Test
    void unknownKeyNamesItsPathAndTheValidKeys() {
        ConfigException e = error("smtp:\n  portz: [25]\n");
        assertThat(e.getMessage()).startsWith("config error: smtp.portz: unknown key; valid keys under smtp: ports, policy_ports,")
                .contains("(did you mean ports?)");
        assertThat(error("detect:\n  bad_helo:\n    treshold: 3\n").getMessage())
                .startsWith("config error: detect.bad_helo.treshold: unknown key; valid keys under detect.bad_helo: enabled, severity,")
                .contains("all_ports");
        assertThat(error("alert:\n  log: {}\n").getMessage())
                .startsWith("config error: alert: unknown key; valid keys at the top level: sensor, network,")
                .contains("did you mean alerts?");
        assertThat(error("metrics: { basic-auth: { username: a } }").getMessage())
                .contains("config error: metrics.basic-auth: unknown key").contains("did you mean basic_auth?");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // bad CIDR
            "'network: { internal: [10.0.0.0/33] }'           | network.internal[0]: bad CIDR: \"10.0.0.0/33\": prefix length 33 is out of range 0-32",
            "'network: { internal: [10.0.0.1/8] }'            | network.internal[0]: bad CIDR: \"10.0.0.1/8\": host bits are set (did you mean 10.0.0.0/8?)",
            "'network: { mail_servers: [10.0.0.5, mx.example.org] }' | network.mail_servers[1]: bad CIDR: \"mx.example.org\" is not an IPv4/IPv6 address",
            "'network: { internal: [10.0.0.0/8, 10.0.0.0/8] }' | network.internal[1]: duplicate entry 10.0.0.0/8",
            // negative / zero
            "'detect: { null_sender_burst: { window: -5m } }' | detect.null_sender_burst.window: must be positive, got \"-5m\"",
            "'detect: { auth_failures: { window: 0s } }'       | detect.auth_failures.window: must be positive",
            "'detect: { auth_failures: { threshold: 0 } }'     | detect.auth_failures.threshold: must be positive, got 0",
            "'flow: { max_flows: -1 }'                         | flow.max_flows: must be positive, got -1",
            "'alerts: { alertmanager: { max_retries: -1 } }'   | alerts.alertmanager.max_retries: must be at least 0, got -1",
            // wrong type
            "'flow: { max_flows: lots }'                       | flow.max_flows: expected an integer, got a string (\"lots\")",
            "'capture: { promiscuous: 1 }'                     | capture.promiscuous: expected true or false, got an integer (1)",
            "'network: { internal: 10.0.0.0/8 }'               | network.internal: expected a list (CIDR blocks), got a string (\"10.0.0.0/8\")",
            "'smtp: { ports: [25, \"587\"] }'                  | smtp.ports[1]: expected an integer, got a string (\"587\")",
            "'detect: 5'                                       | detect: expected a mapping with keys max_tracked_keys, egress_policy,",
            "'network: { mail_servers: }'                      | network.mail_servers: must not be null; write [] for an empty list",
            "'snaplen: 5'                                      | snaplen: unknown key; valid keys at the top level",
            // bad duration
            "'flow: { idle_timeout: 5 minutes }'               | flow.idle_timeout: expected a duration such as \"500ms\", \"30s\", \"10m\", \"1h\" or \"2d\", got \"5 minutes\"",
            "'flow: { idle_timeout: 300 }'                     | flow.idle_timeout: expected a duration with a unit such as \"30s\" or \"10m\", got the bare number 300 (seconds? write \"300s\")",
            "'alerts: { dedup: { resolve_after: 15 m } }'      | alerts.dedup.resolve_after: expected a duration",
            // bytes
            "'capture: { buffer_size: 64MB/s }'                | capture.buffer_size: expected a byte size such as 65536, \"4KiB\" or \"64MiB\"",
            "'capture: { buffer_size: 3GiB }'                  | capture.buffer_size: must be at most 2147483647",
            // ports
            "'smtp: { ports: [25, 587], policy_ports: [25, 2525] }' | smtp.policy_ports: port 2525 is not in smtp.ports [25, 587]",
            "'smtp: { ports: [0, 25] }'                        | smtp.ports[0]: must be positive, got 0",
            "'smtp: { ports: [25, 70000] }'                    | smtp.ports[1]: must be at most 65535, got 70000",
            "'smtp: { ports: [] }'                             | smtp.ports: must not be empty",
            // enums, URLs, misc
            "'detect: { bad_helo: { severity: high } }'        | detect.bad_helo.severity: unknown severity \"high\"; valid: critical, warning, info",
            "'detect: { null_sender_burst: { keys: [ip] } }'   | detect.null_sender_burst.keys[0]: unknown key type \"ip\"; valid: client, account, server",
            "'alerts: { webhook: { url: \"ftp://x.example/\" } }' | alerts.webhook.url: bad URL \"ftp://x.example/\": must start with http:// or https://",
            "'alerts: { alertmanager: { urls: [\"http://\"] } }' | alerts.alertmanager.urls[0]: bad URL",
            "'metrics: { listen: localhost }'                  | metrics.listen: expected \"host:port\"",
            "'metrics: { listen: \"0.0.0.0:99999\" }'          | metrics.listen: port out of range 1-65535",
            "'metrics: { path: metrics }'                      | metrics.path: must be a URL path starting with '/'",
            "'metrics: { basic_auth: { username: admin } }'    | metrics.basic_auth: set both username and password, or neither",
            "'metrics: { tls: { key: /etc/k.pem } }'           | metrics.tls: set both cert and key, or neither",
            "'capture: { ring_size: 1000 }'                    | capture.ring_size: must be a power of two (e.g. 512 or 1024), got 1000",
            "'capture: { threads: 0 }'                         | capture.threads: must be positive, got 0",
            "'capture: { threads: 65, workers: 130 }'          | capture.threads: must be at most 64, got 65",
            "'capture: { threads: 3, workers: 2 }'             | capture.threads: capture.workers (2) must be a multiple of capture.threads (3)",
            "'capture: { threads: 2, workers: 3 }'             | capture.threads: capture.workers (3) must be a multiple of capture.threads (2)",
            "'capture: { threads: 2, fanout_id: 65536 }'       | capture.fanout_id: must be at most 65535, got 65536",
            "'detect: { blocklist_rejection: { patterns: [\"re:([a-z\"] } }' | detect.blocklist_rejection.patterns[0]: bad regular expression",
            "'network: { public_helo: [\"mail example\"] }'   | network.public_helo[0]: not a valid host name: \"mail example\"",
            "'sensor: { name: \"\" }'                          | sensor.name: must not be empty (use null to leave it unset)",
            "'flow: { max_buffered_bytes_per_direction: 2MiB, max_buffered_bytes_total: 1MiB }' | flow.max_buffered_bytes_per_direction: is larger than flow.max_buffered_bytes_total",
    })
    void mistakesNameTheDottedKey(String yaml, String expected) {
        ConfigException e = error(yaml);
        assertThat(e.getMessage()).contains("config error: " + expected);
        assertThat(e.problems()).allMatch(p -> p.startsWith("config error: "));
    }

    @Test
    void allProblemsAreReportedTogether() {
        ConfigException e = error("""
                flow: { max_flows: 0, idle_timeout: soon }
                detect: { bad_helo: { severity: loud }, nope: 1 }
                """);
        assertThat(e.problems()).hasSize(4);
        assertThat(e.getMessage().lines()).hasSize(4);
        assertThat(e.problems()).anyMatch(p -> p.startsWith("config error: flow.max_flows:"))
                .anyMatch(p -> p.startsWith("config error: flow.idle_timeout:"))
                .anyMatch(p -> p.startsWith("config error: detect.bad_helo.severity:"))
                .anyMatch(p -> p.startsWith("config error: detect.nope: unknown key"));
    }

    @Test
    void yamlSyntaxAndDuplicateKeys() {
        assertThatThrownBy(() -> ConfigLoader.parse("smtp: { ports: [25, 587\n", "site.yml"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("config error: site.yml: not valid YAML (line");
        assertThatThrownBy(() -> ConfigLoader.parse("smtp:\n  ports: [25]\n  ports: [587]\n", "site.yml"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("Duplicate field 'ports'");
        assertThatThrownBy(() -> ConfigLoader.parse("- a\n- b\n"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("config error: (top level): expected a mapping");
    }

    @Test
    void unreadableFile(@TempDir Path dir) {
        assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("missing.yml")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("missing.yml: cannot read");
    }

    @Test
    void loadsFromAFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("m.yml");
        Files.writeString(f, "network: { mail_servers: [192.0.2.1] }\n");
        assertThat(ConfigLoader.load(f).network().mailServers()).containsExactly("192.0.2.1/32");
    }

    // ------------------------------------------------------------------ warnings and secrets

    @Test
    void warnings() {
        assertThat(ConfigLoader.defaults().warnings())
                .anyMatch(w -> w.startsWith("detect.open_relay: network.local_domains is empty"))
                .anyMatch(w -> w.startsWith("network.mail_servers: empty"));
        MailtapConfig site = ConfigLoader.parse("""
                network: { mail_servers: [10.0.0.5], public_helo: [mail.example.org], local_domains: [example.org] }
                """);
        assertThat(site.warnings()).isEmpty();
        assertThat(ConfigLoader.parse("metrics: { listen: \"0.0.0.0:9725\" }").warnings())
                .anyMatch(w -> w.startsWith("metrics.listen: 0.0.0.0:9725 is reachable from the network"));
        assertThat(ConfigLoader.parse("detect: { open_relay: { enabled: false } }").warnings())
                .noneMatch(w -> w.startsWith("detect.open_relay"));
    }

    @Test
    void toStringNeverShowsSecrets() {
        MailtapConfig c = ConfigLoader.parse("""
                alerts: { webhook: { url: "https://hooks.example/x", bearer_token: s3cr3t-t0ken } }
                metrics: { basic_auth: { username: prom, password: hunter2 } }
                """);
        assertThat(c.toString()).doesNotContain("s3cr3t").doesNotContain("hunter2");
        assertThat(c.toString()).doesNotContain("s3cr3t");
        assertThat(c.metrics().basicAuth().toString()).doesNotContain("hunter2").contains("<redacted>");
        assertThat(c.view().string("alerts.webhook.bearer_token")).isEqualTo("s3cr3t-t0ken");
    }

    @Test
    void ruleConfigAccessor() {
        MailtapConfig c = ConfigLoader.parse("detect: { open_relay: { enabled: false, severity: info } }");
        assertThat(c.rule(RuleId.OPEN_RELAY)).isEqualTo(new MailtapConfig.RuleConfig(RuleId.OPEN_RELAY, false, Severity.INFO, null, null));
        assertThat(DetectPlan.from(c.view()).enabled(RuleId.OPEN_RELAY)).isFalse();
        assertThat(Set.of(c.maxTrackedKeys())).containsExactly(10_000);
    }
}
