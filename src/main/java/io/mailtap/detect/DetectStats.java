package io.mailtap.detect;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters of the detection stage, per rule. Written by the engine's thread only; readable from
 * any thread (metrics). A rising {@code evictions} means {@code detect.max_tracked_keys} is too
 * small for the traffic (or someone is flooding keys): windows of evicted keys start over.
 */
public final class DetectStats {
    private final Map<RuleId, RuleStats> rules = new EnumMap<>(RuleId.class);
    private final AtomicLong events = new AtomicLong();
    private final AtomicLong ruleErrors = new AtomicLong();

    public DetectStats() {
        for (RuleId r : RuleId.values()) rules.put(r, new RuleStats());
    }

    public RuleStats rule(RuleId id) { return rules.get(id); }

    public Map<RuleId, RuleStats> rules() { return Collections.unmodifiableMap(rules); }

    /** SMTP events the engine has seen. */
    public long events() { return events.get(); }

    /** Exceptions thrown by a rule (a bug; the event is skipped for that rule, the others still see it). */
    public long ruleErrors() { return ruleErrors.get(); }

    void event() { events.lazySet(events.get() + 1); }

    void ruleError() { ruleErrors.incrementAndGet(); }

    /** Counters of one rule. */
    public static final class RuleStats {
        private final AtomicLong findings = new AtomicLong();
        private final AtomicLong evictions = new AtomicLong();
        private volatile int trackedKeys;

        /** Findings handed to the alert stage (one per matching event, before de-duplication). */
        public long findings() { return findings.get(); }

        /** Keys dropped from this rule's state because {@code detect.max_tracked_keys} was reached. */
        public long evictions() { return evictions.get(); }

        /**
         * Keys this rule tracks now, summed over its tables (each table is capped at
         * {@code detect.max_tracked_keys}; most rules have one).
         */
        public int trackedKeys() { return trackedKeys; }

        void finding() { findings.lazySet(findings.get() + 1); }

        void evicted() { evictions.lazySet(evictions.get() + 1); }

        void setTrackedKeys(int n) { trackedKeys = n; }
    }
}
