package io.mailtap.alert;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailtap.detect.Harness;
import io.mailtap.detect.RuleId;
import io.mailtap.detect.Severity;
import io.mailtap.txlog.SafeJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.mailtap.detect.Harness.*;
import static org.assertj.core.api.Assertions.assertThat;

class JsonAlertLogTest {
    static final List<String> FIELDS = List.of("ts", "event_type", "rule", "severity", "status", "key", "src_ip", "dst_ip", "account",
            "state", "list", "count", "window_seconds", "first_seen", "last_seen", "summary", "evidence", "gaps", "sensor", "site",
            "community_id");

    private static Alert alert(String helo) {
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("helo", helo);
        ev.put("which_test", "no_dot");
        ev.put("sample_rcpts", List.of("a@b.example", "c@d.example"));
        ev.put("share_null", 0.5);
        return new Alert(1_700_000_000_123_456L, RuleId.BAD_HELO, Severity.WARNING, AlertStatus.FIRING, "198.18.10.1 x",
                "198.18.10.1", "203.0.113.25", null, null, 3, 0, 1_700_000_000_000_000L, 1_700_000_000_123_456L,
                "198.18.10.1 announced itself as \"" + helo + "\"", ev, false, "sensor-a");
    }

    @Test
    void everyFieldIsPresentWithStableNames(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("alerts.jsonl");
        JsonAlertLog log = JsonAlertLog.open(file, true, new io.mailtap.txlog.OutputStats());
        log.publish(alert("fw01"));
        log.publish(alert("fw02"));
        String[] lines = Files.readString(file, StandardCharsets.UTF_8).split("\n", -1);
        assertThat(lines).hasSize(3);
        assertThat(lines[2]).isEmpty();
        JsonNode n = SafeJson.mapper().readTree(lines[0]);
        List<String> names = new java.util.ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactlyElementsOf(FIELDS).containsExactlyElementsOf(JsonAlertLog.FIELDS);
        assertThat(n.get("event_type").asText()).isEqualTo("alert");
        assertThat(n.get("community_id").isNull()).as("a hand-built alert names no connection").isTrue();
        assertThat(n.get("ts").asText()).isEqualTo("2023-11-14T22:13:20.123456Z");
        assertThat(n.get("first_seen").asText()).isEqualTo("2023-11-14T22:13:20.000000Z");
        assertThat(n.get("rule").asText()).isEqualTo("bad_helo");
        assertThat(n.get("severity").asText()).isEqualTo("warning");
        assertThat(n.get("status").asText()).isEqualTo("firing");
        assertThat(n.get("account").isNull()).isTrue();
        assertThat(n.get("window_seconds").isNull()).isTrue();
        assertThat(n.get("count").asLong()).isEqualTo(3);
        assertThat(n.get("evidence").get("sample_rcpts").size()).isEqualTo(2);
        assertThat(n.get("evidence").get("share_null").asDouble()).isEqualTo(0.5);
        assertThat(n.get("sensor").asText()).isEqualTo("sensor-a");
        assertThat(log.lines()).isEqualTo(2);
    }

    @Test
    void controlCharactersInAHeloAreEscaped() throws Exception {
        String hostile = "evil\u001b[2J\r\nfake-line\u0000\u007f\u0085\u2028end";
        String line = JsonAlertLog.toJson(alert(hostile));
        assertThat(line).doesNotContain("\n", "\r", "\u001b", "\u0000", "\u007f", "\u0085", "\u2028");
        assertThat(line.toLowerCase(java.util.Locale.ROOT)).contains("evil\\u001b[2j\\r\\nfake-line\\u0000\\u007f\\u0085\\u2028end");
        JsonNode n = SafeJson.mapper().readTree(line);
        assertThat(n.get("evidence").get("helo").asText()).isEqualTo(hostile);
    }

    @Test
    void endToEndIntoAFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("out/alerts.jsonl");
        Harness h = Harness.site();
        JsonAlertLog log = JsonAlertLog.open(file, false, new io.mailtap.txlog.OutputStats());
        AlertTracker t = new AlertTracker(h.config.alertSettings(), log);
        io.mailtap.detect.DetectionEngine engine = new io.mailtap.detect.DetectionEngine(io.mailtap.detect.DetectPlan.from(h.config.view()), t);
        io.mailtap.detect.SmtpScript wire = new io.mailtap.detect.SmtpScript(engine);
        wire.session(FIREWALL, OUTSIDE_RELAY, 25).open().ehlo("fw\u001b]0;pwned\u0007").quit();
        t.flush();
        t.close();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(lines).isNotEmpty().allSatisfy(l -> {
            assertThat(l).doesNotContain("\u001b", "\u0007");
            JsonNode n = SafeJson.mapper().readTree(l);
            assertThat(n.get("sensor").asText()).isEqualTo("test-sensor");
        });
        assertThat(lines).anyMatch(l -> l.contains("\"rule\":\"bad_helo\"") && l.contains("\\u001B]0;pwned\\u0007"));
    }
}
