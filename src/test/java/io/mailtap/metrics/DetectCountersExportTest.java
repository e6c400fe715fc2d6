package io.mailtap.metrics;

import io.mailtap.detect.DetectCounter;
import io.mailtap.detect.RuleId;
import io.mailtap.testutil.SensorLabels;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The detection counters were kept but only evictions reached a metric: every DetectCounter slot is exported now. */
class DetectCountersExportTest {
    @Test
    void everyDetectionSlotIsScrapedFromTheTotals() {
        String scrape = SensorLabels.strip(new MailtapMetrics(new MetricsSource() {
            @Override
            public void collect(SensorTotals into) {
                into.detect[DetectCounter.EVENTS.ordinal()] = 7;
                into.detect[DetectCounter.RULE_ERRORS.ordinal()] = 1;
                into.detectRule[RuleId.BAD_HELO.ordinal()][DetectCounter.FINDINGS.ordinal()] = 3;
                into.detectRule[RuleId.OPEN_RELAY.ordinal()][DetectCounter.EVICTIONS.ordinal()] = 5;
                into.detectRule[RuleId.AUTH_FAILURES.ordinal()][DetectCounter.TRACKED_KEYS.ordinal()] = 42;
            }

            @Override
            public boolean healthy() { return true; }
        }, "t").scrape());
        assertThat(scrape).contains("\nmailtap_detect_events_total 7.0\n", "\nmailtap_detect_rule_errors_total 1.0\n",
                "\nmailtap_detect_findings_total{rule=\"bad_helo\"} 3.0\n",
                "\nmailtap_detect_evictions_total{rule=\"open_relay\"} 5.0\n",
                "\nmailtap_detect_tracked_keys{rule=\"auth_failures\"} 42.0\n",
                "\nmailtap_detect_findings_total{rule=\"egress_policy\"} 0.0\n");
    }
}
