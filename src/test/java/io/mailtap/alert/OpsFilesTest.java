package io.mailtap.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.mailtap.detect.RuleId;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ops files (ops/prometheus, ops/grafana) use only the metric names of the contract
 * (METRICS-CONTRACT.md, shared with the daemon's metrics endpoint), only recording rules that
 * exist, only label values that exist, and keep the shapes Prometheus and Grafana need.
 * promtool/amtool checks are in ops/check.sh.
 */
class OpsFilesTest {
    /** The exposed names of METRICS-CONTRACT.md. No histograms, so no _bucket/_sum/_count. */
    private static final Set<String> HAND_WRITTEN = Set.of(
            "mailtap_build_info",
            "mailtap_capture_packets_received_total", "mailtap_capture_packets_dropped_total",
            "mailtap_capture_handle_packets_received_total", "mailtap_capture_handle_packets_dropped_total",
            "mailtap_packets_total", "mailtap_packets_decoded_total", "mailtap_packets_skipped_total", "mailtap_bytes_total",
            "mailtap_flows_active", "mailtap_flows_started_total", "mailtap_flows_ended_total", "mailtap_flows_evicted_total",
            "mailtap_reassembly_gaps_total", "mailtap_reassembly_gap_bytes_total",
            "mailtap_capture_loss_bytes_total", "mailtap_tcp_payload_bytes_total",
            "mailtap_smtp_connections_total", "mailtap_smtp_sessions_total",
            "mailtap_smtp_transactions_total", "mailtap_smtp_mail_from_total", "mailtap_smtp_null_sender_total",
            "mailtap_smtp_rcpt_total", "mailtap_smtp_auth_total",
            "mailtap_smtp_starttls_total", "mailtap_smtp_not_smtp_total", "mailtap_smtp_lines_truncated_total",
            "mailtap_anomalies_total", "mailtap_smtp_commands_total", "mailtap_smtp_replies_total",
            "mailtap_alerts_raised_total", "mailtap_alerts_notifications_total", "mailtap_alerts_active",
            "mailtap_alerts_suppressed_total",
            "mailtap_detect_evictions_total",
            "mailtap_alert_sink_delivered_total", "mailtap_alert_sink_failed_attempts_total",
            "mailtap_alert_sink_dropped_total", "mailtap_alert_sink_queue_depth", "mailtap_alert_sink_spool_depth",
            "mailtap_output_records_written_total", "mailtap_output_records_lost_total",
            "mailtap_output_write_errors_total", "mailtap_output_failing", "mailtap_output_reopens_total",
            "mailtap_forward_records_sent_total", "mailtap_forward_records_dropped_total", "mailtap_forward_queue_depth",
            "mailtap_kafka_records_delivered_total", "mailtap_kafka_records_failed_total",
            "mailtap_event_queue_depth", "mailtap_event_queue_waits_total", "mailtap_events_lost_total", "mailtap_agent_errors_total",
            "mailtap_config_reloads_total", "mailtap_packet_time_seconds", "mailtap_up",
            "mailtap_capture_last_packet_timestamp_seconds", "mailtap_config_last_reload_successful");
    /** The hand-written part plus the stage counters, which are declared once on their enums. */
    static final Set<String> CONTRACT = contract();

    private static Set<String> contract() {
        Set<String> all = new TreeSet<>(HAND_WRITTEN);
        for (var c : io.mailtap.metrics.MetricsContract.STAGE_COUNTERS) all.add(c.meter().name());
        return Set.copyOf(all);
    }

    private static final Path RULES = Path.of("ops/prometheus/mailtap-rules.yml");
    private static final Path RULE_TESTS = Path.of("ops/prometheus/mailtap-rules.test.yml");
    private static final Path DASHBOARD = Path.of("ops/grafana/mailtap-dashboard.json");
    private static final Path CONTRACT_FILE = Path.of("METRICS-CONTRACT.md");

    private static final Pattern METRIC = Pattern.compile("\\bmailtap_[a-zA-Z0-9_]+");
    private static final Pattern RECORDED = Pattern.compile("\\bmailtap:[a-zA-Z0-9_:]+");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Set<String> tokens(Pattern p, String text) {
        Set<String> s = new TreeSet<>();
        Matcher m = p.matcher(text);
        while (m.find()) s.add(m.group());
        return s;
    }

    /** Every string value anywhere in the tree (exprs, series, variable queries, titles...). */
    private static List<String> strings(JsonNode n) {
        List<String> out = new ArrayList<>();
        collect(n, out);
        return out;
    }

    private static void collect(JsonNode n, List<String> out) {
        if (n.isTextual()) out.add(n.asText());
        for (JsonNode c : n) collect(c, out);
    }

    private static List<JsonNode> rules(String kind) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode g : YAML.readTree(RULES.toFile()).get("groups")) {
            for (JsonNode r : g.get("rules")) if (r.has(kind)) out.add(r);
        }
        return out;
    }

    @Test
    void theTestSideListIsTheContract() throws Exception {
        assertThat(CONTRACT).allMatch(n -> n.matches("mailtap_[a-z0-9_]+") && !n.matches(".*_(bucket|sum|count)$"));
        if (!Files.exists(CONTRACT_FILE)) return; // the list above is the copy kept with the ops files
        assertThat(tokens(METRIC, Files.readString(CONTRACT_FILE))).isEqualTo(new TreeSet<>(CONTRACT));
    }

    @Test
    void rulesAndTheirTestsUseOnlyContractNamesAndRecordedSeriesThatExist() throws Exception {
        Set<String> recorded = rules("record").stream().map(r -> r.get("record").asText()).collect(Collectors.toSet());
        assertThat(recorded).isNotEmpty().allMatch(n -> n.matches("mailtap:[a-z0-9_]+:[a-z0-9_]+"));
        for (Path file : List.of(RULES, RULE_TESTS)) {
            for (String s : strings(YAML.readTree(file.toFile()))) {
                assertThat(tokens(METRIC, s)).as("%s: %s", file, s).isSubsetOf(CONTRACT);
                assertThat(tokens(RECORDED, s)).as("%s: %s", file, s).isSubsetOf(recorded);
                checkLabelValues(file + ": " + s, s);
            }
        }
    }

    @Test
    void dashboardUsesOnlyContractNames() throws Exception {
        List<String> all = strings(JSON.readTree(DASHBOARD.toFile()));
        Set<String> used = new TreeSet<>();
        for (String s : all) {
            Set<String> t = tokens(METRIC, s);
            assertThat(t).as("dashboard: %s", s).isSubsetOf(CONTRACT);
            assertThat(tokens(RECORDED, s)).as("dashboard must not depend on recording rules: %s", s).isEmpty();
            checkLabelValues("dashboard: " + s, s);
            used.addAll(t);
        }
        assertThat(used).as("the dashboard shows every contract metric").isEqualTo(new TreeSet<>(CONTRACT));
    }

    /** rule="..." values are rule ids; sink, where, severity and sink-drop reason values are the contract's fixed sets. */
    private static void checkLabelValues(String where, String s) {
        Set<String> ruleIds = new HashSet<>();
        for (RuleId r : RuleId.values()) ruleIds.add(r.id());
        assertThat(values("rule", s)).as(where).isSubsetOf(ruleIds);
        Set<String> sinks = new HashSet<>(Set.of(AlertmanagerSink.NAME, WebhookSink.NAME, "log"));
        for (io.mailtap.txlog.ForwardTarget f : io.mailtap.txlog.ForwardTarget.values()) sinks.add(f.label()); // stdout, syslog
        assertThat(values("sink", s)).as(where).isSubsetOf(sinks);
        assertThat(values("where", s)).as(where).isSubsetOf("kernel", "interface", "ring");
        if (s.contains("mailtap_alert_sink_dropped_total")) {
            assertThat(values("reason", s)).as(where).isSubsetOf("queue_full", "gave_up");
        }
        assertThat(values("severity", s)).as(where).isSubsetOf("critical", "warning", "info");
    }

    private static Set<String> values(String label, String s) {
        Set<String> v = new TreeSet<>();
        Matcher m = Pattern.compile("\\b" + label + "\\s*=\\s*\"([^\"]*)\"").matcher(s);
        while (m.find()) v.add(m.group(1));
        return v;
    }

    @Test
    void everyAlertHasASeverityASummaryAndADescriptionAndNoNameClashesWithTheSensorsAlerts() throws Exception {
        Set<String> names = new TreeSet<>();
        for (JsonNode r : rules("alert")) {
            String name = r.get("alert").asText();
            names.add(name);
            assertThat(name).matches("Mailtap[A-Z][A-Za-z]+");
            assertThat(r.path("labels").path("severity").asText()).as(name).isIn("critical", "warning", "info");
            assertThat(r.path("annotations").path("summary").asText()).as(name).isNotBlank();
            assertThat(r.path("annotations").path("description").asText()).as(name).isNotBlank();
        }
        assertThat(names).contains("MailtapSensorDown", "MailtapCaptureDrops", "MailtapCaptureLoss", "MailtapEgressViolations",
                "MailtapNullSenderBurst", "MailtapBlocklistRejections", "MailtapAlertSinkFailing",
                "MailtapNoPackets", "MailtapConfigReloadFailed");
        for (RuleId r : RuleId.values()) assertThat(names).doesNotContain(AlertmanagerSink.alertName(r));

        // every alerting rule is exercised by the promtool unit tests
        Set<String> tested = new TreeSet<>();
        for (JsonNode t : YAML.readTree(RULE_TESTS.toFile()).get("tests")) {
            for (JsonNode a : t.path("alert_rule_test")) tested.add(a.get("alertname").asText());
        }
        assertThat(tested).isEqualTo(names);
    }

    @Test
    void dashboardShapeForImportAndProvisioning() throws Exception {
        JsonNode d = JSON.readTree(DASHBOARD.toFile());
        assertThat(d.get("schemaVersion").asInt()).isBetween(36, 41);
        assertThat(d.get("uid").asText()).isEqualTo("mailtap-sensor");
        assertThat(d.get("__inputs").get(0).get("name").asText()).isEqualTo("DS_PROMETHEUS");
        List<String> vars = new ArrayList<>();
        d.get("templating").get("list").forEach(v -> vars.add(v.get("name").asText()));
        assertThat(vars).containsExactly("DS_PROMETHEUS", "instance");
        Set<Integer> ids = new HashSet<>();
        List<String> titles = new ArrayList<>();
        for (JsonNode p : d.get("panels")) {
            assertThat(ids.add(p.get("id").asInt())).as("unique panel id").isTrue();
            if (p.get("type").asText().equals("row")) continue;
            titles.add(p.get("title").asText());
            assertThat(p.get("datasource").get("uid").asText()).isEqualTo("${DS_PROMETHEUS}");
            assertThat(p.get("targets").size()).isPositive();
            for (JsonNode t : p.get("targets")) {
                assertThat(t.get("datasource").get("uid").asText()).isEqualTo("${DS_PROMETHEUS}");
                assertThat(t.get("expr").asText()).contains("instance=~\"$instance\"");
            }
        }
        assertThat(String.join(" | ", titles)).contains("Packets/s", "Drops/s (kernel, interface, ring)", "capture-loss ratio",
                "Active flows", "SMTP transactions/s", "Null-sender rate and share", "RCPT accepted / rejected",
                "AUTH by result", "Alerts active by rule", "Sink delivery, failures and queue depth", "Build");
    }
}
