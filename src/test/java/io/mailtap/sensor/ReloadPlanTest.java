package io.mailtap.sensor;

import io.mailtap.config.ConfigException;
import io.mailtap.config.ConfigLoader;
import io.mailtap.config.MailtapConfig;
import io.mailtap.settings.Leaf;
import io.mailtap.settings.Reload;
import io.mailtap.settings.Section;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reload plan is the schema's live/restart attributes: every leaf of the tree is changed on its
 * own (to the first of a list of plausible values its type accepts), and a restart leaf must be
 * reported as needing a restart while a live one must be applied live and never reported.
 */
class ReloadPlanTest {
    /** Keys that cannot change alone (the loader refuses half of a pair): the partner set with them. */
    private static final Map<String, String> PARTNERS = Map.of(
            "metrics.basic_auth.username", "metrics.basic_auth.password: pw",
            "metrics.basic_auth.password", "metrics.basic_auth.username: u",
            "metrics.basic_auth.password_file", "metrics.basic_auth.username: u",
            "metrics.tls.cert", "metrics.tls.key: /k.pem",
            "metrics.tls.key", "metrics.tls.cert: /c.pem",
            "output.kafka.enabled", "output.kafka.bootstrap_servers: [\"127.0.0.1:9092\"]");

    @Test
    void everyRestartLeafNeedsARestartAndEveryLiveLeafDoesNot(@TempDir Path dir) throws IOException {
        Path secret = Files.writeString(dir.resolve("secret"), "tok-123\n");
        List<String> candidates = List.of("true", "false", "7", "3", "1024", "\"2m\"", "\"3h\"", "\"0s\"", "[587]", "[25, 587]",
                "[10.9.0.0/16]", "[mail.example.org]", "[client]", "[x-guest]", "[\"re:foo\"]", "info",
                "\"http://127.0.0.1:1/x\"", "[\"http://127.0.0.1:1/am\"]", "\"127.0.0.1:9999\"", "\"/m2\"", "tcp",
                "[alerts]", "\"128MiB\"", "\"" + secret + "\"", "other-value", "16", "gzip", "ssl", "PLAIN",
                "2"); // capture.threads: a divisor of the default 2 workers
        MailtapConfig base = ConfigLoader.defaults();
        Section root = MailtapConfig.schema();
        List<String> unchangeable = new ArrayList<>();
        int restart = 0, live = 0;
        java.util.Set<String> reported = new java.util.TreeSet<>();
        for (Map.Entry<String, Leaf> e : root.leaves().entrySet()) {
            String key = e.getKey();
            MailtapConfig next = changed(base, key, candidates);
            if (next == null) {
                unchangeable.add(key);
                continue;
            }
            ReloadPlan p = ReloadPlan.of(base, base, next);
            reported.addAll(p.needsRestart());
            Leaf leaf = e.getValue();
            if (leaf.reload() == Reload.RESTART) {
                restart++;
                assertThat(p.needsRestart()).as(key).containsExactly(root.reportedName(key));
                assertThat(p.detectionChanged()).as(key).isFalse();
            } else {
                live++;
                assertThat(p.detectionChanged()).as(key).isTrue();
                if (leaf.restartPart() == null) assertThat(p.needsRestart()).as(key).isEmpty();
                else assertThat(p.needsRestart()).as(key).containsExactly(key + " " + leaf.restartPart());
            }
        }
        assertThat(unchangeable).as("leaves no candidate value changes").isEmpty();
        assertThat(restart).isGreaterThan(30);
        assertThat(live).isGreaterThan(30);
        // the hand-written list this walk replaced, key for key (sensor name/site now one entry each)
        assertThat(reported).containsExactlyInAnyOrder(
                "capture.interface", "capture.snaplen", "capture.promiscuous", "capture.buffer_size", "capture.immediate_mode",
                "capture.timeout_ms", "capture.filter", "capture.workers", "capture.threads", "capture.fanout_id", "capture.ring_size", "capture.event_queue_size",
                "capture.heartbeat", "capture.warm_up", "smtp.ports", "smtp.detect_on_any_port", "smtp.max_command_line_bytes",
                "smtp.max_reply_line_bytes", "smtp.max_pending_commands", "smtp.max_rcpt_per_transaction",
                "smtp.max_reply_lines_kept", "flow.max_flows", "flow.max_buffered_bytes_per_direction",
                "flow.max_buffered_bytes_total", "flow.attempt_timeout", "flow.idle_timeout", "flow.closed_timeout",
                "flow.ack_wait", "flow.ack_wait_max_bytes", "flow.max_overlap_check_buffers", "metrics.listen",
                "metrics.path", "metrics.basic_auth", "metrics.tls", "output.dir", "alerts.spool", "output.stats_interval",
                "output.stdout", "output.syslog", "output.kafka", "sensor.name as a metric label", "sensor.site as a metric label");
    }

    @Test
    void aSinkSectionOrTheSensorNameRebuildsTheSinksOtherLiveKeysDoNot() {
        MailtapConfig a = ConfigLoader.parse("sensor: { name: s1 }");
        assertThat(ReloadPlan.of(a, a, ConfigLoader.parse("sensor: { name: s1 }\nalerts: { webhook: { url: \"http://127.0.0.1:1/x\" } }"))
                .alertSinksChanged()).isTrue();
        assertThat(ReloadPlan.of(a, a, ConfigLoader.parse("sensor: { name: s1 }\nalerts: { alertmanager: { timeout: 9s } }"))
                .alertSinksChanged()).isTrue();
        assertThat(ReloadPlan.of(a, a, ConfigLoader.parse("sensor: { name: s2 }")).alertSinksChanged()).isTrue();
        ReloadPlan dedup = ReloadPlan.of(a, a, ConfigLoader.parse("sensor: { name: s1 }\nalerts: { dedup: { resolve_after: 1h } }"));
        assertThat(dedup.detectionChanged()).isTrue();
        assertThat(dedup.alertSinksChanged()).isFalse();
    }

    /** {@code base} with {@code key} set to the first candidate the loader accepts and that changes it, or null. */
    private static MailtapConfig changed(MailtapConfig base, String key, List<String> candidates) {
        for (String v : candidates) {
            Map<String, String> set = new LinkedHashMap<>();
            set.put(key, v);
            String partner = PARTNERS.get(key);
            if (partner != null) set.put(partner.substring(0, partner.indexOf(": ")), partner.substring(partner.indexOf(": ") + 2));
            MailtapConfig c;
            try {
                c = ConfigLoader.parse(yaml(set));
            } catch (ConfigException ex) {
                continue;
            }
            if (!Objects.equals(c.view().get(key), base.view().get(key))) return c;
        }
        return null;
    }

    /** Dotted keys → nested block YAML. */
    private static String yaml(Map<String, String> values) {
        Map<String, Object> tree = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : values.entrySet()) {
            String[] parts = e.getKey().split("\\.");
            Map<String, Object> m = tree;
            for (int i = 0; i < parts.length - 1; i++) {
                @SuppressWarnings("unchecked")
                Map<String, Object> sub = (Map<String, Object>) m.computeIfAbsent(parts[i], k -> new LinkedHashMap<String, Object>());
                m = sub;
            }
            m.put(parts[parts.length - 1], e.getValue());
        }
        StringBuilder b = new StringBuilder();
        render(tree, 0, b);
        return b.toString();
    }

    @SuppressWarnings("unchecked")
    private static void render(Map<String, Object> m, int depth, StringBuilder b) {
        for (Map.Entry<String, Object> e : m.entrySet()) {
            b.append("  ".repeat(depth)).append(e.getKey()).append(':');
            if (e.getValue() instanceof Map<?, ?> sub) {
                b.append('\n');
                render((Map<String, Object>) sub, depth + 1, b);
            } else {
                b.append(' ').append(e.getValue()).append('\n');
            }
        }
    }
}
