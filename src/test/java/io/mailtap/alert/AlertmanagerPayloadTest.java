package io.mailtap.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mailtap.detect.RuleId;
import io.mailtap.detect.Severity;
import io.mailtap.time.PacketTime;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.mailtap.alert.Alerts.S;
import static io.mailtap.alert.Alerts.T0;
import static org.assertj.core.api.Assertions.assertThat;

/** The postable alerts as Alertmanager receives them, rendered without any HTTP. */
class AlertmanagerPayloadTest {
    private static final Duration LONG_RESEND = Duration.ofMinutes(10);
    private static final AlertmanagerPayload PAYLOAD = new AlertmanagerPayload("sensor-a", LONG_RESEND);

    private static Map<String, String> map(JsonNode obj) {
        Map<String, String> m = new LinkedHashMap<>();
        obj.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
        return m;
    }

    private static long micros(Instant t) { return t.getEpochSecond() * 1_000_000L + t.getNano() / 1000; }

    @Test
    void hostileTextIsEscapedCappedAndKeptOutOfLabels() {
        String helo = "evil\u001b[2J\r\nfake\u0000\u0085\u2028" + "x".repeat(5000) + "\ud800";
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("helo", helo);
        ev.put("Reply Text!", List.of("554 5.7.1 listed", "at zen"));
        ev.put("nested", Map.of("k", 1));
        Alert al = new Alert(T0, RuleId.BAD_HELO, Severity.WARNING, AlertStatus.FIRING, "198.18.10.1 " + helo.substring(0, 40),
                "198.18.10.1", null, null, null, 1, 0, T0, T0, "greeted as " + helo, ev, false, "sensor-a");
        JsonNode p = PAYLOAD.postable(al, al, Instant.now());
        assertThat(map(p.get("labels")).keySet()).containsExactly("alertname", "severity", "rule", "sensor", "key_id", "src_ip");
        assertThat(p.get("labels").toString()).doesNotContain("evil");
        Map<String, String> ann = map(p.get("annotations"));
        assertThat(ann).containsKeys("evidence_helo", "evidence_reply_text_", "evidence_nested");
        assertThat(ann.get("evidence_reply_text_")).isEqualTo("554 5.7.1 listed, at zen");
        assertThat(ann.get("evidence_nested")).isEqualTo("{\"k\":1}");
        for (String v : ann.values()) {
            assertThat(v).doesNotContain("\u001b", "\r", "\u0000", "\u0085", "\u2028", "\ud800");
            assertThat(v.length()).isLessThanOrEqualTo(4 * AlertmanagerPayload.MAX_ANNOTATION_CHARS);
        }
        assertThat(ann.get("evidence_helo")).startsWith("evil\\u001b[2J\\u000d\\u000afake\\u0000\\u0085\\u2028xxx").endsWith("…")
                .hasSize(AlertmanagerPayload.MAX_ANNOTATION_CHARS);
        assertThat(ann.get("description")).contains("\n"); // our own line breaks stay
    }

    @Test
    void bidiControlsAreEscapedInAnnotations() {
        // "Trojan Source": a U+202E in a HELO would show the rest of a chat notification reversed
        String helo = "mx.\u202eelpmaxe\u2066x\u2069";
        Alert al = new Alert(T0, RuleId.BAD_HELO, Severity.WARNING, AlertStatus.FIRING, "198.18.10.1 " + helo,
                "198.18.10.1", null, null, null, 1, 0, T0, T0, "greeted as " + helo, Map.of("helo", helo), false, "sensor-a");
        Map<String, String> ann = map(PAYLOAD.postable(al, al, Instant.now()).get("annotations"));
        for (String v : ann.values()) assertThat(v).doesNotContain("\u202e", "\u2066", "\u2069");
        assertThat(ann.get("evidence_helo")).isEqualTo("mx.\\u202eelpmaxe\\u2066x\\u2069");
        assertThat(ann.get("summary")).isEqualTo("greeted as mx.\\u202eelpmaxe\\u2066x\\u2069");
    }

    @Test
    void firingAlertIsQueuedWithoutEndsAtAndGetsOneWhenSent() {
        Alert firing = Alerts.nullSender("alice@example.org", AlertStatus.FIRING, T0 + 300 * S);
        Instant queuedAt = Instant.ofEpochSecond(T0 / 1_000_000L + 3600);
        ObjectNode q = PAYLOAD.queued(firing, firing, queuedAt);
        assertThat(q.has("endsAt")).isFalse();
        assertThat(q.get("startsAt").asText()).isEqualTo(PacketTime.iso(firing.firstSeenMicros()));

        Instant sentAt = queuedAt.plusSeconds(120); // waited in the queue or the spool
        ArrayNode body = PAYLOAD.batch(List.of(q), sentAt);
        assertThat(q.has("endsAt")).as("the queued node is not changed").isFalse();
        assertThat(body.get(0).get("endsAt").asText()).isEqualTo(PacketTime.iso(micros(sentAt) + 3 * LONG_RESEND.toNanos() / 1000));
        assertThat(body.get(0).get("startsAt").asText()).isEqualTo(PacketTime.iso(firing.firstSeenMicros()));
    }

    @Test
    void aStartsAtAheadOfTheSendTimeIsPulledBackSoStartsAtNeverPassesEndsAt() {
        Alert firing = Alerts.nullSender("alice@example.org", AlertStatus.FIRING, T0 + 300 * S);
        Instant before = Instant.ofEpochSecond(T0 / 1_000_000L - 60); // this host's clock behind the capture's
        JsonNode p = PAYLOAD.postable(firing, firing, before);
        assertThat(p.get("startsAt").asText()).isEqualTo(PacketTime.iso(micros(before)));
        ObjectNode q = PAYLOAD.queued(firing, firing, Instant.ofEpochSecond(T0 / 1_000_000L + 3600));
        JsonNode sent = PAYLOAD.batch(List.of(q), before).get(0);
        assertThat(sent.get("startsAt").asText()).isEqualTo(PacketTime.iso(micros(before)));
        assertThat(sent.get("startsAt").asText()).isLessThan(sent.get("endsAt").asText());
    }

    @Test
    void resolvedAlertKeepsItsPacketTimeEndsAt() {
        Alert firing = Alerts.nullSender("alice@example.org", AlertStatus.FIRING, T0 + 300 * S);
        Alert resolved = Alerts.nullSender("alice@example.org", AlertStatus.RESOLVED, T0 + 900 * S);
        ObjectNode q = PAYLOAD.queued(firing, resolved, Instant.now());
        assertThat(q.get("endsAt").asText()).isEqualTo(PacketTime.iso(T0 + 900 * S));
        assertThat(PAYLOAD.batch(List.of(q), Instant.now()).get(0)).isEqualTo(q);
        assertThat(map(q.get("annotations")).get("description")).contains("resolved: " + PacketTime.iso(T0 + 900 * S));
    }
}
