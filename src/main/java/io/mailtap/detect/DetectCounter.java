package io.mailtap.detect;

import io.mailtap.util.MeterSpec;

import static io.mailtap.util.MeterSpec.counter;
import static io.mailtap.util.MeterSpec.gauge;

/**
 * The detection stage's counters, one slot each in {@link DetectStats}; each is exported as declared
 * here. A per-rule counter has one slot per rule and is exported with the label {@code rule}
 * ({@link RuleId#id()}, a fixed set). {@code detect.max_tracked_keys} → {@link #EVICTIONS}.
 */
public enum DetectCounter implements MeterSpec.Counter {
    EVENTS(counter("mailtap_detect_events_total", "SMTP events the detection engine has seen."), false),
    RULE_ERRORS(counter("mailtap_detect_rule_errors_total",
            "Exceptions thrown by a rule (a bug; the event is skipped for that rule, the others still see it); must stay 0."), false),
    FINDINGS(counter("mailtap_detect_findings_total",
            "Findings a rule handed to the alert stage (one per matching event, before de-duplication)."), true),
    EVICTIONS(counter("mailtap_detect_evictions_total", "Keys a rule dropped because detect.max_tracked_keys was reached."), true),
    TRACKED_KEYS(gauge("mailtap_detect_tracked_keys",
            "Keys a rule tracks now, summed over its tables (each capped at detect.max_tracked_keys)."), true);

    /** The label a per-rule counter's series are told apart by. */
    public static final String RULE_LABEL = "rule";

    private final MeterSpec meter;
    private final boolean perRule;

    DetectCounter(MeterSpec meter, boolean perRule) {
        this.meter = meter;
        this.perRule = perRule;
    }

    @Override
    public MeterSpec meter() { return meter; }

    /** One slot per rule, exported with label {@link #RULE_LABEL}. */
    public boolean perRule() { return perRule; }
}
