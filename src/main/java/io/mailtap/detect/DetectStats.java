package io.mailtap.detect;

/**
 * Counters of the detection stage, one slot per {@link DetectCounter} (per rule for the per-rule
 * ones). Written by the engine's thread only; read by the metrics at scrape time, like the other
 * stages' slots. A rising {@link DetectCounter#EVICTIONS} means {@code detect.max_tracked_keys} is
 * too small for the traffic (or someone is flooding keys): windows of evicted keys start over.
 */
public final class DetectStats {
    private static final int N = DetectCounter.values().length;
    private final long[] counts = new long[N];
    private final RuleStats[] rules = new RuleStats[RuleId.values().length];

    public DetectStats() {
        for (RuleId r : RuleId.values()) rules[r.ordinal()] = new RuleStats();
    }

    public RuleStats rule(RuleId id) { return rules[id.ordinal()]; }

    /** An engine-wide counter (for a per-rule one: see {@link RuleStats#get}). */
    public long get(DetectCounter c) { return counts[c.ordinal()]; }

    /** SMTP events the engine has seen. */
    public long events() { return get(DetectCounter.EVENTS); }

    /** Exceptions thrown by a rule (a bug; the event is skipped for that rule, the others still see it). */
    public long ruleErrors() { return get(DetectCounter.RULE_ERRORS); }

    void event() { counts[DetectCounter.EVENTS.ordinal()]++; }

    void ruleError() { counts[DetectCounter.RULE_ERRORS.ordinal()]++; }

    /** Counters of one rule: the per-rule slots. */
    public static final class RuleStats {
        private final long[] counts = new long[N];

        public long get(DetectCounter c) { return counts[c.ordinal()]; }

        /** Findings handed to the alert stage (one per matching event, before de-duplication). */
        public long findings() { return get(DetectCounter.FINDINGS); }

        /** Keys dropped from this rule's state because {@code detect.max_tracked_keys} was reached. */
        public long evictions() { return get(DetectCounter.EVICTIONS); }

        /** Keys this rule tracks now, summed over its tables (each capped at {@code detect.max_tracked_keys}). */
        public int trackedKeys() { return (int) get(DetectCounter.TRACKED_KEYS); }

        void finding() { counts[DetectCounter.FINDINGS.ordinal()]++; }

        void evicted() { counts[DetectCounter.EVICTIONS.ordinal()]++; }

        void setTrackedKeys(int n) { counts[DetectCounter.TRACKED_KEYS.ordinal()] = n; }
    }
}
