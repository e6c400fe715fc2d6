package io.mailtap.alert;

import io.mailtap.detect.RuleId;
import io.mailtap.detect.Severity;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Hand-built alerts for the sink tests. */
final class Alerts {
    static final long S = 1_000_000L;
    static final long T0 = 1_700_000_000L * S;

    private Alerts() {}

    static Alert egress(String src, String dst, AlertStatus status, long ts) {
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("server_port", 25);
        ev.put("helo", "fw01.example");
        ev.put("uids", List.of("C1a", "C2b"));
        return new Alert(ts, RuleId.EGRESS_POLICY, Severity.CRITICAL, status, src, src, dst, null, "smtp", 3, 0,
                T0, Math.min(ts, T0 + 120 * S), src + " spoke SMTP to " + dst + " on port 25", ev, false, "sensor-a");
    }

    static Alert firing(String src) { return egress(src, "203.0.113.25", AlertStatus.FIRING, T0); }

    static Alert resolved(String src) { return egress(src, "203.0.113.25", AlertStatus.RESOLVED, T0 + 900 * S); }

    static Alert nullSender(String account, AlertStatus status, long ts) {
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("key_type", "account");
        ev.put("key_value", account);
        ev.put("share_null", 0.95);
        return new Alert(ts, RuleId.NULL_SENDER_BURST, Severity.CRITICAL, status, "account:" + account, "198.18.10.7",
                "198.18.10.2", account, null, 42, 600, T0, ts, "account " + account + " sent 42 null-sender mails in 10 min",
                ev, true, "sensor-a");
    }
}
