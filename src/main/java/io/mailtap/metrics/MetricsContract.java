package io.mailtap.metrics;

import io.mailtap.decode.DecodeCounter;
import io.mailtap.detect.DetectCounter;
import io.mailtap.flow.FlowCounter;
import io.mailtap.smtp.SmtpCounter;
import io.mailtap.util.MeterSpec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The stage counters every metrics consumer iterates: registration, METRICS-CONTRACT.md and its tests. */
public final class MetricsContract {
    private MetricsContract() {}

    /** Every stage counter constant, decode then flow then SMTP then detection, in declaration order. */
    public static final List<MeterSpec.Counter> STAGE_COUNTERS;

    static {
        List<MeterSpec.Counter> all = new ArrayList<>();
        Collections.addAll(all, DecodeCounter.values());
        Collections.addAll(all, FlowCounter.values());
        Collections.addAll(all, SmtpCounter.values());
        Collections.addAll(all, DetectCounter.values());
        STAGE_COUNTERS = List.copyOf(all);
    }

    /** The line of {@code c}; a per-rule detection counter shows its {@code rule} label. */
    static String contractLine(MeterSpec.Counter c) {
        String line = c.meter().contractLine();
        if (!(c instanceof DetectCounter d && d.perRule())) return line;
        String name = c.meter().name();
        return line.replaceFirst(java.util.regex.Pattern.quote("- " + name), "- " + name + "{" + DetectCounter.RULE_LABEL + "}");
    }

    /** The generated section of METRICS-CONTRACT.md (between its stage-counters markers). */
    public static String stageSection() {
        StringBuilder b = new StringBuilder();
        for (MeterSpec.Counter c : STAGE_COUNTERS) b.append(contractLine(c)).append('\n');
        return b.toString();
    }
}
