package io.mailtap.sensor;

import io.mailtap.smtp.Anomaly;

import io.mailtap.decode.SkipReason;
import io.mailtap.detect.RuleId;
import io.mailtap.detect.Severity;
import io.mailtap.flow.EndReason;
import io.mailtap.flow.GapCause;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** A parsed Prometheus text scrape, and the metrics contract (METRICS-CONTRACT.md) to check it against. */
final class Scrape {
    record Series(String name, Map<String, String> labels, double value) {}

    final List<Series> series;

    private Scrape(List<Series> series) { this.series = series; }

    static Scrape parse(String text) {
        List<Series> out = new java.util.ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) continue;
            int brace = line.indexOf('{');
            int space = line.lastIndexOf(' ');
            String name;
            Map<String, String> labels = new TreeMap<>();
            if (brace >= 0 && brace < space) {
                name = line.substring(0, brace);
                String body = line.substring(brace + 1, line.lastIndexOf('}'));
                for (String kv : body.split(",(?=[a-z_]+=\")")) {
                    if (kv.isEmpty()) continue;
                    int eq = kv.indexOf('=');
                    labels.put(kv.substring(0, eq), kv.substring(eq + 2, kv.length() - 1));
                }
            } else {
                name = line.substring(0, space);
            }
            out.add(new Series(name, labels, Double.parseDouble(line.substring(space + 1))));
        }
        return new Scrape(out);
    }

    /** The value of the one series {@code name{k=v,...}}; fails if absent. */
    double value(String name, String... kv) {
        Map<String, String> want = new TreeMap<>();
        for (int i = 0; i < kv.length; i += 2) want.put(kv[i], kv[i + 1]);
        return series.stream().filter(s -> s.name().equals(name) && own(s.labels(), want).equals(want)).findFirst()
                .orElseThrow(() -> new AssertionError("no series " + name + want)).value();
    }

    /** {@code labels} without the common ones (sensor, site) that {@code want} does not ask for. */
    private static Map<String, String> own(Map<String, String> labels, Map<String, String> want) {
        Map<String, String> m = new TreeMap<>(labels);
        for (String c : COMMON) if (!want.containsKey(c)) m.remove(c);
        return m;
    }

    /** Sum over every series of {@code name}. */
    double sum(String name) {
        return series.stream().filter(s -> s.name().equals(name)).mapToDouble(Series::value).sum();
    }

    Set<String> names() { return series.stream().map(Series::name).collect(Collectors.toSet()); }

    // ------------------------------------------------------------------ the contract

    private static Set<String> labels(Enum<?>[] values, java.util.function.Function<Enum<?>, String> f) {
        return Arrays.stream(values).map(f).collect(Collectors.toSet());
    }

    static final Set<String> RULES = Arrays.stream(RuleId.values()).map(RuleId::id).collect(Collectors.toSet());
    static final Set<String> SEVERITIES = Arrays.stream(Severity.values()).map(Severity::label).collect(Collectors.toSet());
    static final Set<String> SINKS = Set.of("alertmanager", "webhook", "log");

    /** name → label name → allowed values (null: any value, e.g. the version). */
    static final Map<String, Map<String, Set<String>>> CONTRACT = new LinkedHashMap<>();
    /** Series that exist only when a monitored sink is configured. */
    static final Set<String> SINK_METRICS = Set.of("mailtap_alert_sink_delivered_total",
            "mailtap_alert_sink_failed_attempts_total", "mailtap_alert_sink_dropped_total", "mailtap_alert_sink_queue_depth",
            "mailtap_alert_sink_spool_depth");

    private static void m(String name, Object... labelAndValues) {
        Map<String, Set<String>> l = new LinkedHashMap<>();
        for (int i = 0; i < labelAndValues.length; i += 2) {
            @SuppressWarnings("unchecked")
            Set<String> allowed = (Set<String>) labelAndValues[i + 1];
            l.put((String) labelAndValues[i], allowed);
        }
        CONTRACT.put(name, l);
    }

    static {
        m("mailtap_build_info", "version", null, "java", null);
        m("mailtap_capture_packets_received_total");
        m("mailtap_capture_packets_dropped_total", "where", Set.of("kernel", "interface", "ring"));
        m("mailtap_capture_handle_packets_received_total", "handle", null);
        m("mailtap_capture_handle_packets_dropped_total", "handle", null, "where", Set.of("kernel", "interface", "ring"));
        m("mailtap_packets_total");
        m("mailtap_packets_decoded_total");
        m("mailtap_packets_skipped_total", "reason", labels(SkipReason.values(), e -> ((SkipReason) e).label()));
        m("mailtap_bytes_total");
        m("mailtap_flows_active");
        m("mailtap_flows_started_total");
        m("mailtap_flows_ended_total", "reason", labels(EndReason.values(), e -> ((EndReason) e).label()));
        m("mailtap_flows_evicted_total");
        m("mailtap_reassembly_gaps_total", "cause", labels(GapCause.values(), e -> ((GapCause) e).label()));
        m("mailtap_reassembly_gap_bytes_total", "cause", labels(GapCause.values(), e -> ((GapCause) e).label()));
        m("mailtap_capture_loss_bytes_total");
        m("mailtap_tcp_payload_bytes_total");
        m("mailtap_smtp_connections_total", "state", Set.of("attempted", "established"));
        m("mailtap_smtp_sessions_total");
        m("mailtap_smtp_transactions_total");
        m("mailtap_smtp_mail_from_total");
        m("mailtap_smtp_null_sender_total");
        m("mailtap_smtp_rcpt_total", "result", Set.of("accepted", "rejected"));
        m("mailtap_smtp_auth_total", "mechanism", Set.of("plain", "login", "cram_md5", "other"),
                "result", Set.of("success", "failure", "unknown"));
        m("mailtap_smtp_starttls_total", "result", Set.of("issued", "accepted"));
        m("mailtap_smtp_not_smtp_total");
        m("mailtap_smtp_lines_truncated_total");
        m("mailtap_smtp_commands_total", "verb", labels(io.mailtap.smtp.SmtpVerb.values(), e -> e.name().toLowerCase(java.util.Locale.ROOT)));
        m("mailtap_smtp_replies_total", "class", Set.of("2xx", "3xx", "4xx", "5xx"));
        m("mailtap_anomalies_total", "kind", labels(Anomaly.values(), e -> ((Anomaly) e).id()));
        m("mailtap_alerts_raised_total", "rule", RULES, "severity", SEVERITIES);
        m("mailtap_alerts_notifications_total", "rule", RULES, "status", Set.of("firing", "resolved"));
        m("mailtap_alerts_active", "rule", RULES);
        m("mailtap_alerts_suppressed_total", "rule", RULES);
        m("mailtap_alert_sink_delivered_total", "sink", SINKS);
        m("mailtap_alert_sink_failed_attempts_total", "sink", SINKS);
        m("mailtap_alert_sink_dropped_total", "sink", SINKS, "reason", Set.of("queue_full", "gave_up", "spool_full"));
        m("mailtap_alert_sink_spool_depth", "sink", SINKS);
        m("mailtap_alert_sink_queue_depth", "sink", SINKS);
        Set<String> outputs = labels(io.mailtap.txlog.Output.values(), e -> ((io.mailtap.txlog.Output) e).label());
        m("mailtap_output_records_written_total", "output", outputs);
        m("mailtap_output_records_lost_total", "output", outputs);
        m("mailtap_output_write_errors_total", "output", outputs);
        m("mailtap_output_failing", "output", outputs);
        m("mailtap_output_reopens_total", "output", outputs, "result", Set.of("success", "failure"));
        Set<String> forwardSinks = labels(io.mailtap.txlog.ForwardTarget.values(), e -> ((io.mailtap.txlog.ForwardTarget) e).label());
        m("mailtap_forward_records_sent_total", "sink", forwardSinks);
        m("mailtap_forward_records_dropped_total", "sink", forwardSinks, "reason", Set.of("queue_full", "send_failed"));
        m("mailtap_forward_queue_depth", "sink", forwardSinks);
        Set<String> records = labels(io.mailtap.txlog.Forwarded.values(), e -> ((io.mailtap.txlog.Forwarded) e).configName());
        m("mailtap_kafka_records_delivered_total", "record", records);
        m("mailtap_kafka_records_failed_total", "record", records);
        m("mailtap_event_queue_depth");
        m("mailtap_event_queue_waits_total");
        m("mailtap_events_lost_total");
        m("mailtap_agent_errors_total");
        m("mailtap_config_reloads_total", "result", Set.of("success", "failure"));
        m("mailtap_packet_time_seconds");
        m("mailtap_capture_last_packet_timestamp_seconds");
        m("mailtap_config_last_reload_successful");
        m("mailtap_up");
        // the stage counters, as their enums declare them (series of one name share one label key)
        Map<String, Map<String, Set<String>>> stage = new LinkedHashMap<>();
        for (var c : io.mailtap.metrics.MetricsContract.STAGE_COUNTERS) {
            var spec = c.meter();
            Map<String, Set<String>> l = stage.computeIfAbsent(spec.name(), k -> new LinkedHashMap<>());
            if (spec.labelKey() != null) l.computeIfAbsent(spec.labelKey(), k -> new java.util.TreeSet<>()).add(spec.labelValue());
            if (c instanceof io.mailtap.detect.DetectCounter d && d.perRule()) {
                l.computeIfAbsent(io.mailtap.detect.DetectCounter.RULE_LABEL, k -> new java.util.TreeSet<>()).addAll(RULES);
            }
        }
        stage.forEach((name, labels) -> {
            if (CONTRACT.containsKey(name) && !CONTRACT.get(name).equals(labels)) {
                throw new AssertionError(name + " is hand-listed with other labels than its enum declares");
            }
            CONTRACT.put(name, labels);
        });
    }

    /** Labels every series carries (site only when sensor.site is set). */
    static final Set<String> COMMON = Set.of("sensor", "site");

    /**
     * Every mailtap_ series is a contract metric with exactly its label names (plus sensor, and site
     * when set) and only allowed values; the other series are the JVM/process binders' (jvm_,
     * process_, system_); every contract metric and binder family is present (the sink ones only if
     * {@code withSinks}).
     */
    void assertFollowsContract(boolean withSinks) {
        for (Series s : series) {
            assertThat(s.labels()).as("labels of %s", s.name()).containsKey("sensor");
            if (!s.name().startsWith("mailtap_")) {
                assertThat(s.name()).as("a binder series").matches("(jvm|process|system)_[a-z0-9_]+");
                continue;
            }
            assertThat(CONTRACT).as("metric %s is in the contract", s.name()).containsKey(s.name());
            Map<String, Set<String>> allowed = CONTRACT.get(s.name());
            Set<String> own = new java.util.TreeSet<>(s.labels().keySet());
            own.removeAll(COMMON);
            assertThat(own).as("label names of %s", s.name()).isEqualTo(allowed.keySet());
            for (Map.Entry<String, String> l : s.labels().entrySet()) {
                Set<String> values = allowed.get(l.getKey());
                if (values != null) {
                    assertThat(values).as("%s{%s=\"%s\"} is from the fixed set", s.name(), l.getKey(), l.getValue())
                            .contains(l.getValue());
                }
            }
        }
        for (String name : CONTRACT.keySet()) {
            if (!withSinks && SINK_METRICS.contains(name)) continue;
            assertThat(names()).as("contract metric %s is exposed", name).contains(name);
        }
        assertThat(names()).as("JVM and process binders").containsAll(io.mailtap.metrics.ProcessMetrics.FAMILIES);
    }
}
