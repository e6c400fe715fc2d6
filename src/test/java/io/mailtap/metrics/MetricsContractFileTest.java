package io.mailtap.metrics;

import io.mailtap.testutil.SensorLabels;
import io.mailtap.decode.DecodeStats;
import io.mailtap.flow.FlowStats;
import io.mailtap.smtp.SmtpStats;
import io.mailtap.util.MeterSpec;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** No stage counter can be dark: each is an enum constant, registered by iteration, and listed in METRICS-CONTRACT.md. */
class MetricsContractFileTest {
    private static final String BEGIN = "<!-- stage-counters:begin -->\n", END = "<!-- stage-counters:end -->";

    @Test
    void theContractFileListsExactlyTheStageCounterEnums() throws Exception {
        String file = Files.readString(Path.of("METRICS-CONTRACT.md"));
        int b = file.indexOf(BEGIN), e = file.indexOf(END);
        assertThat(b).as("METRICS-CONTRACT.md has the generated section").isNotNegative();
        assertThat(file.substring(b + BEGIN.length(), e))
                .as("METRICS-CONTRACT.md's stage counters; regenerate them from MetricsContract.stageSection()")
                .isEqualTo(MetricsContract.stageSection());
    }

    @Test
    void everyStageCounterIsScrapedUnderItsDeclaredNameAndLabel() {
        String scrape = new MailtapMetrics(new MetricsSource() {
            @Override
            public void collect(SensorTotals into) {}

            @Override
            public boolean healthy() { return true; }
        }, "t").scrape();
        Set<String> series = new HashSet<>();
        for (MeterSpec.Counter c : MetricsContract.STAGE_COUNTERS) {
            MeterSpec m = c.meter();
            String s = m.name() + (m.labelKey() == null ? "" : "{" + m.labelKey() + "=\"" + m.labelValue() + "\"}");
            if (c instanceof io.mailtap.detect.DetectCounter d && d.perRule()) {
                // one series per rule; the first rule's stands for all (the rule label set is RuleId)
                s = m.name() + "{" + io.mailtap.detect.DetectCounter.RULE_LABEL + "=\"" + io.mailtap.detect.RuleId.values()[0].id() + "\"}";
            }
            assertThat(series.add(s)).as("%s is declared once", s).isTrue();
            assertThat(SensorLabels.strip(scrape)).as("%s is exported", c).contains("\n" + s + " ");
            assertThat(scrape).contains("# TYPE " + m.name() + (m.gauge() ? " gauge" : " counter"));
        }
    }

    /**
     * A counter kept as a plain field would be read by no metric (38 of 58 were): the stats classes
     * hold enum-indexed slots only. Add a constant to the stage's counter enum instead.
     */
    @Test
    void theStatsClassesHaveNoCounterFieldsOutsideTheirEnums() {
        for (Class<?> stats : List.of(DecodeStats.class, FlowStats.class, SmtpStats.class, io.mailtap.detect.DetectStats.class,
                io.mailtap.detect.DetectStats.RuleStats.class)) {
            assertThat(Arrays.stream(stats.getDeclaredFields())
                    .filter(f -> !Modifier.isStatic(f.getModifiers()))
                    .filter(f -> f.getType() == long.class || f.getType() == int.class || Modifier.isPublic(f.getModifiers()))
                    .map(Field::getName))
                    .as("counter fields of %s not declared in its enum", stats.getSimpleName())
                    .isEmpty();
        }
    }
}
