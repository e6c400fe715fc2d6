package io.mailtap.detect;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One rule matched one event. The alert stage merges findings with the same {@code (rule, key)}
 * into one alert; so a finding carries the rule's current view of the key, not a delta, except for
 * {@code count} (see below).
 *
 * @param rule          stable rule id
 * @param severity      the rule's configured severity
 * @param key           de-duplication key within the rule ("198.18.10.21", "account:alice", ...);
 *                      already capped in length
 * @param tsMicros      packet time of the event that matched
 * @param srcIp         client address of the matching connection (text), or null
 * @param dstIp         server address of the matching connection (text), or null
 * @param account       AUTH account involved, or null
 * @param state         rule-specific state (egress_policy: attempted/established/smtp), or null
 * @param stateRank     order of {@code state}: the alert keeps the highest-ranked state seen and
 *                      the summary that came with it (0 when the rule has no state)
 * @param count         when {@code windowSeconds > 0}: the number of matching events in the window
 *                      now (it replaces the alert's count); otherwise the number of new occurrences
 *                      this finding adds to the alert's count (1, or 0 for an update of state or
 *                      evidence about an occurrence already counted)
 * @param windowSeconds the rule's window, or 0 for rules without one
 * @param summary       one human sentence
 * @param evidence      ordered rule-specific facts (strings capped, lists capped); merged into the
 *                      alert's evidence key by key
 * @param uid           the matching connection's uid (the alert keeps the most recent few), or null
 * @param gaps          the matching connection/transaction is known to have missing data
 * @param list          blocklist_rejection: the blocklist cited (normalised zone, e.g.
 *                      {@code zen.spamhaus.org}), part of the key and an alert label; null otherwise
 * @param communityId   the Community ID v1 of the matching connection ({@code uid}), or null
 */
public record Finding(
        RuleId rule,
        Severity severity,
        String key,
        long tsMicros,
        String srcIp,
        String dstIp,
        String account,
        String state,
        int stateRank,
        long count,
        long windowSeconds,
        String summary,
        Map<String, Object> evidence,
        String uid,
        boolean gaps,
        String list,
        String communityId) {

    /** A finding of a rule without a list dimension. */
    public Finding(RuleId rule, Severity severity, String key, long tsMicros, String srcIp, String dstIp,
                   String account, String state, int stateRank, long count, long windowSeconds, String summary,
                   Map<String, Object> evidence, String uid, boolean gaps) {
        this(rule, severity, key, tsMicros, srcIp, dstIp, account, state, stateRank, count, windowSeconds, summary,
                evidence, uid, gaps, null, null);
    }

    /** A finding without a Community ID (no connection, or one built by hand). */
    public Finding(RuleId rule, Severity severity, String key, long tsMicros, String srcIp, String dstIp,
                   String account, String state, int stateRank, long count, long windowSeconds, String summary,
                   Map<String, Object> evidence, String uid, boolean gaps, String list) {
        this(rule, severity, key, tsMicros, srcIp, dstIp, account, state, stateRank, count, windowSeconds, summary,
                evidence, uid, gaps, list, null);
    }

    public Finding {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(summary, "summary");
        evidence = evidence == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(evidence));
    }

    /** True when {@link #count} is a window count rather than an increment. */
    public boolean windowed() { return windowSeconds > 0; }
}
