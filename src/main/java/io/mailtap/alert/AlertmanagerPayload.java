package io.mailtap.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mailtap.detect.RuleId;
import io.mailtap.txlog.SafeJson;
import io.mailtap.text.WireText;
import io.mailtap.time.PacketTime;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What mailtap sends to Alertmanager: the postable alerts of {@code POST /api/v2/alerts}, rendered
 * from {@link Alert}s. Pure (no I/O, no state but the two settings); {@link AlertmanagerSink}
 * delivers what this renders.
 *
 * <h2>Labels (identity; never free text)</h2>
 * {@code alertname} = {@code "MailtapDetect"} + the rule id in CamelCase ({@link #alertName}:
 * egress_policy → {@code MailtapDetectEgressPolicy}; the "Detect" part keeps these per-subject alerts
 * apart from the aggregate Prometheus rules in {@code config/prometheus/mailtap-rules.yml}, e.g.
 * {@code MailtapNullSenderBurst}), {@code severity}, {@code rule} (the rule id), {@code sensor}
 * (sensor name; not {@code instance}, which Prometheus sets to the scraped host:port of its own
 * alerts), {@code site} (when {@code sensor.site} is set: grouping and inhibition stay within a
 * site whose private ranges repeat elsewhere), {@code key_id} (16 hex digits of SHA-256 of rule and de-dup key: two alerts of one
 * rule about the same host, e.g. two bad HELO names, stay two alerts without putting the HELO in a
 * label), and {@code src_ip}, {@code account}, {@code dst_ip} when the alert has them. Their number
 * is bounded by the tracker's open-alert cap. Labels are taken from the alert's FIRST notification
 * and kept until it resolves, so a later finding that names another server does not change the
 * Alertmanager fingerprint (which would leave a stale copy behind); the annotations show the latest
 * values.
 *
 * <h2>Annotations (text)</h2>
 * {@code summary}, {@code description} (multi-line: subject, state, count and window, first/last
 * seen, status), {@code key}, {@code count}, {@code first_seen}, {@code last_seen}, {@code state},
 * {@code gaps}, and the evidence flattened as {@code evidence_<name>} (values as strings, lists joined
 * with ", ", at most {@value #MAX_EVIDENCE} entries of {@value #MAX_ANNOTATION_CHARS} characters).
 * Wire text goes through {@link WireText#forAnnotation} (controls, bidi controls included, as
 * {@code \\uXXXX}; a lone surrogate as U+FFFD) and {@link WireText#cap}.
 *
 * <h2>Times</h2>
 * {@code startsAt} = first_seen. While firing, {@code endsAt} = send time + 3 × resend interval
 * (wall clock), so Alertmanager keeps the alert only while mailtap keeps re-sending it: a sensor that
 * dies leaves no alert firing forever. On resolution {@code endsAt} = the resolved notification's
 * time (packet time: last_seen + resolve_after). {@code generatorURL} is not sent.
 */
final class AlertmanagerPayload {
    /** endsAt of a firing alert = now + this × resend interval. */
    static final int ENDS_AT_RESENDS = 3;
    static final int MAX_LABEL_CHARS = 256;
    static final int MAX_ANNOTATION_CHARS = 1024;
    static final int MAX_EVIDENCE = 32;

    private final String sensorName;
    private final Duration resendInterval;

    /**
     * @param sensorName     the {@code sensor} label (the alert's own sensor name when null)
     * @param resendInterval how often firing alerts are re-sent: a firing alert lives
     *                       {@value #ENDS_AT_RESENDS} of them
     */
    AlertmanagerPayload(String sensorName, Duration resendInterval) {
        this.sensorName = sensorName;
        this.resendInterval = Objects.requireNonNull(resendInterval, "resendInterval");
    }

    /**
     * The Alertmanager {@code alertname} of a rule's alerts: "MailtapDetect" + the rule id in
     * CamelCase (egress_policy → MailtapDetectEgressPolicy).
     */
    static String alertName(RuleId rule) {
        StringBuilder b = new StringBuilder("MailtapDetect");
        for (String part : rule.id().split("_")) {
            if (part.isEmpty()) continue;
            b.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
        }
        return b.toString();
    }


    /**
     * The POST body for queued postable alerts at send time {@code now}: a queued firing alert has
     * no endsAt (it may have waited in the queue or the spool), so it gets one now — alive for
     * {@value #ENDS_AT_RESENDS} re-sends — and a startsAt ahead of {@code now} is pulled back to it
     * (Alertmanager rejects startsAt > endsAt). The queued nodes are not changed.
     */
    ArrayNode batch(List<ObjectNode> queued, Instant now) {
        long nowMicros = micros(now);
        String nowText = PacketTime.iso(nowMicros);
        String endsAt = PacketTime.iso(nowMicros + ttlMicros());
        ArrayNode arr = SafeJson.mapper().createArrayNode();
        for (ObjectNode n : queued) {
            ObjectNode o = n.deepCopy();
            if (!o.has("endsAt")) {
                if (o.path("startsAt").asText().compareTo(nowText) > 0) o.put("startsAt", nowText); // same fixed format
                o.put("endsAt", endsAt);
            }
            arr.add(o);
        }
        return arr;
    }

    /** A postable alert as it waits in the queue: a firing alert's endsAt is set when sent ({@link #batch}). */
    ObjectNode queued(Alert labelSource, Alert alert, Instant now) {
        ObjectNode p = postable(labelSource, alert, now);
        if (alert.status() != AlertStatus.RESOLVED) p.remove("endsAt");
        return p;
    }

    /** The JSON bytes of {@code n}, as mailtap writes every record ({@link SafeJson}). */
    static byte[] bytes(JsonNode n) {
        try {
            return SafeJson.mapper().writeValueAsBytes(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private long ttlMicros() {
        return Math.multiplyExact(resendInterval.toNanos() / 1000, (long) ENDS_AT_RESENDS);
    }

    private static long micros(Instant t) {
        return Math.multiplyExact(t.getEpochSecond(), 1_000_000L) + t.getNano() / 1000;
    }

    /** One postable alert: labels from {@code labelSource}, annotations and times from {@code alert}. */
    ObjectNode postable(Alert labelSource, Alert alert, Instant now) {
        ObjectNode o = SafeJson.mapper().createObjectNode();
        ObjectNode labels = o.putObject("labels");
        labels(labelSource, sensorName).forEach(labels::put);
        ObjectNode ann = o.putObject("annotations");
        annotations(alert).forEach(ann::put);
        long nowMicros = micros(now);
        if (alert.status() == AlertStatus.RESOLVED) {
            o.put("startsAt", PacketTime.iso(alert.firstSeenMicros()));
            o.put("endsAt", PacketTime.iso(Math.max(alert.tsMicros(), alert.firstSeenMicros())));
        } else {
            // A first_seen ahead of this host's clock must not make startsAt > endsAt (Alertmanager rejects that).
            o.put("startsAt", PacketTime.iso(Math.min(alert.firstSeenMicros(), nowMicros)));
            o.put("endsAt", PacketTime.iso(nowMicros + ttlMicros()));
        }
        return o;
    }

    /** The label set of an alert (ordered; only bounded values). */
    static Map<String, String> labels(Alert a, String sensorName) {
        Map<String, String> l = new LinkedHashMap<>();
        l.put("alertname", alertName(a.rule()));
        l.put("severity", a.severity().label());
        l.put("rule", a.rule().id());
        putLabel(l, "sensor", sensorName != null ? sensorName : a.sensor());
        putLabel(l, "site", a.site());
        l.put("key_id", keyId(a.rule(), a.key()));
        putLabel(l, "src_ip", a.srcIp());
        putLabel(l, "account", a.account());
        putLabel(l, "dst_ip", a.dstIp());
        putLabel(l, "list", a.list());
        return l;
    }

    private static void putLabel(Map<String, String> l, String name, String value) {
        if (value != null && !value.isEmpty()) l.put(name, WireText.forAnnotation(value, MAX_LABEL_CHARS));
    }

    /** 16 hex digits of SHA-256("rule\nkey"): a stable, bounded stand-in for the free-text key. */
    static String keyId(RuleId rule, String key) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] h = md.digest((rule.id() + "\n" + key).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every JDK has SHA-256
        }
    }

    /** The annotations of an alert (ordered). */
    static Map<String, String> annotations(Alert a) {
        Map<String, String> m = new LinkedHashMap<>();
        String summary = a.summary() != null ? a.summary() : a.rule().id() + " alert for " + a.key();
        m.put("summary", WireText.forAnnotation(summary, MAX_ANNOTATION_CHARS));
        m.put("description", description(a));
        m.put("key", WireText.forAnnotation(a.key(), MAX_ANNOTATION_CHARS));
        m.put("count", Long.toString(a.count()));
        m.put("first_seen", PacketTime.iso(a.firstSeenMicros()));
        m.put("last_seen", PacketTime.iso(a.lastSeenMicros()));
        if (a.state() != null) m.put("state", WireText.forAnnotation(a.state(), MAX_ANNOTATION_CHARS));
        if (a.gaps()) m.put("gaps", "true");
        int n = 0;
        for (Map.Entry<String, Object> e : a.evidence().entrySet()) {
            if (n++ >= MAX_EVIDENCE) break;
            m.put("evidence_" + annotationName(e.getKey()), WireText.forAnnotation(text(e.getValue()), MAX_ANNOTATION_CHARS));
        }
        return m;
    }

    private static String description(Alert a) {
        StringBuilder b = new StringBuilder(256);
        // Every line is capped, so a huge summary cannot push the facts below it out of the cap.
        b.append(a.summary() != null ? WireText.forAnnotation(a.summary(), MAX_ANNOTATION_CHARS) : a.rule().id()).append('\n');
        b.append("rule: ").append(a.rule().id()).append(" (").append(a.severity().label()).append("), status: ")
                .append(a.status().label()).append('\n');
        if (a.srcIp() != null) b.append("client: ").append(WireText.forAnnotation(a.srcIp(), MAX_LABEL_CHARS)).append('\n');
        if (a.dstIp() != null) b.append("server: ").append(WireText.forAnnotation(a.dstIp(), MAX_LABEL_CHARS)).append('\n');
        if (a.account() != null) b.append("account: ").append(WireText.forAnnotation(a.account(), MAX_LABEL_CHARS)).append('\n');
        if (a.state() != null) b.append("state: ").append(WireText.forAnnotation(a.state(), MAX_LABEL_CHARS)).append('\n');
        if (a.windowSeconds() > 0) {
            b.append("count: ").append(a.count()).append(" in the last ").append(a.windowSeconds()).append(" s window\n");
        } else {
            b.append("count: ").append(a.count()).append(" since first seen\n");
        }
        b.append("first seen: ").append(PacketTime.iso(a.firstSeenMicros())).append('\n');
        b.append("last seen: ").append(PacketTime.iso(a.lastSeenMicros())).append('\n');
        if (a.status() == AlertStatus.RESOLVED) {
            b.append("resolved: ").append(PacketTime.iso(a.tsMicros())).append('\n');
        }
        if (a.gaps()) b.append("note: some evidence connections had missing data (capture loss or reassembly gaps)\n");
        b.append("sensor: ").append(Objects.toString(WireText.forAnnotation(a.sensor(), MAX_LABEL_CHARS), "?"));
        return WireText.cap(b.toString(), 4 * MAX_ANNOTATION_CHARS);
    }

    /** Evidence value as text: lists joined with ", ", maps as JSON. */
    private static String text(Object v) {
        if (v == null) return "";
        if (v instanceof List<?> l) {
            StringBuilder b = new StringBuilder();
            for (Object o : l) {
                if (b.length() > 0) b.append(", ");
                b.append(text(o));
                if (b.length() > MAX_ANNOTATION_CHARS) break;
            }
            return b.toString();
        }
        if (v instanceof Map<?, ?> m) {
            try {
                return SafeJson.mapper().writeValueAsString(m);
            } catch (JsonProcessingException e) {
                return m.toString();
            }
        }
        return v.toString();
    }

    /** An Alertmanager-valid annotation name part: [A-Za-z0-9_], lower-case. */
    static String annotationName(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length() && b.length() < 64; i++) {
            char c = s.charAt(i);
            b.append((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ? c
                    : (c >= 'A' && c <= 'Z') ? Character.toLowerCase(c) : '_');
        }
        return b.length() == 0 ? "_" : b.toString();
    }
}
