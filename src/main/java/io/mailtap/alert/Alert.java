package io.mailtap.alert;

import io.mailtap.detect.RuleId;
import io.mailtap.detect.Severity;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One notification about one alert: an immutable snapshot handed to every {@link AlertSink} (async
 * sinks may keep it). An alert is one {@code (rule, key)} from its first finding until it has been
 * quiet for {@code resolve_after} of packet time; sinks see it when it opens ({@code firing}), on
 * each re-notify interval while it keeps matching ({@code firing}, updated count), and once when it
 * resolves ({@code resolved}).
 *
 * @param tsMicros        packet time of this notification: the finding that opened/re-notified it,
 *                        or {@code last_seen + resolve_after} when resolved
 * @param key             de-duplication key within the rule
 * @param srcIp           client address (text), or null
 * @param dstIp           server address (text), or null
 * @param account         AUTH account involved, or null
 * @param state           rule-specific state (egress_policy: attempted/established/smtp), or null
 * @param count           window rules: matching events in the window at the last finding; other
 *                        rules: occurrences since the alert opened
 * @param windowSeconds   the rule's window, 0 for rules without one
 * @param evidence        ordered facts (strings capped; {@code uids}: the most recent connections)
 * @param gaps            some evidence connection had missing data (capture loss, reassembly gap)
 * @param sensor          {@code sensor.name}
 * @param list            blocklist_rejection: the blocklist cited (the {@code list} label); null otherwise
 * @param site            {@code sensor.site}, or null
 * @param communityId     the Community ID v1 of the connection of the alert's latest finding that
 *                        named one (the last of {@code uids}); null when no finding named a
 *                        connection. Not of {@code src}/{@code dst}: an alert keyed by an account or
 *                        a server spans many connections, so only a real connection has one
 */
public record Alert(
        long tsMicros,
        RuleId rule,
        Severity severity,
        AlertStatus status,
        String key,
        String srcIp,
        String dstIp,
        String account,
        String state,
        long count,
        long windowSeconds,
        long firstSeenMicros,
        long lastSeenMicros,
        String summary,
        Map<String, Object> evidence,
        boolean gaps,
        String sensor,
        String list,
        String site,
        String communityId) {

    /** An alert of a rule without a list dimension, from a sensor without a site. */
    public Alert(long tsMicros, RuleId rule, Severity severity, AlertStatus status, String key, String srcIp,
                 String dstIp, String account, String state, long count, long windowSeconds, long firstSeenMicros,
                 long lastSeenMicros, String summary, Map<String, Object> evidence, boolean gaps, String sensor) {
        this(tsMicros, rule, severity, status, key, srcIp, dstIp, account, state, count, windowSeconds,
                firstSeenMicros, lastSeenMicros, summary, evidence, gaps, sensor, null, null);
    }

    /** An alert from a sensor without a site. */
    public Alert(long tsMicros, RuleId rule, Severity severity, AlertStatus status, String key, String srcIp,
                 String dstIp, String account, String state, long count, long windowSeconds, long firstSeenMicros,
                 long lastSeenMicros, String summary, Map<String, Object> evidence, boolean gaps, String sensor,
                 String list) {
        this(tsMicros, rule, severity, status, key, srcIp, dstIp, account, state, count, windowSeconds,
                firstSeenMicros, lastSeenMicros, summary, evidence, gaps, sensor, list, null);
    }

    /** An alert without a Community ID (built by hand: no connection). */
    public Alert(long tsMicros, RuleId rule, Severity severity, AlertStatus status, String key, String srcIp,
                 String dstIp, String account, String state, long count, long windowSeconds, long firstSeenMicros,
                 long lastSeenMicros, String summary, Map<String, Object> evidence, boolean gaps, String sensor,
                 String list, String site) {
        this(tsMicros, rule, severity, status, key, srcIp, dstIp, account, state, count, windowSeconds,
                firstSeenMicros, lastSeenMicros, summary, evidence, gaps, sensor, list, site, null);
    }

    public Alert {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(key, "key");
        evidence = evidence == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(evidence));
    }
}
