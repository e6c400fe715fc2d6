package io.mailtap.sensor;

import io.mailtap.decode.DecodeCounter;
import io.mailtap.flow.FlowCounter;
import io.mailtap.txlog.Output;
import io.mailtap.metrics.SensorTotals;
import io.mailtap.smtp.Anomaly;
import io.mailtap.smtp.SmtpCounter;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The periodic stats line: totals since start and the increase since the previous line. */
class StatsLineTest {
    private static SensorTotals totals(long frames, long ringDrops, long kernelDrops, long flows, long tx, long alerts,
                                       long anomalies, long sinkGaveUp) {
        SensorTotals t = new SensorTotals();
        t.decode.add(DecodeCounter.FRAMES, frames);
        t.captureDroppedRing = ringDrops;
        t.captureDroppedKernel = kernelDrops;
        t.flow.add(FlowCounter.FLOWS_CREATED, flows);
        t.smtp.add(SmtpCounter.TRANSACTIONS, tx);
        t.alertsRaised[0][0] = alerts;
        for (long i = 0; i < anomalies; i++) t.smtp.anomaly(Anomaly.LINE_TOO_LONG);
        t.outputLost[Output.SMTP.ordinal()] = 1;
        t.sink("webhook").gaveUp = sinkGaveUp;
        return t;
    }

    @Test
    void eachLineHasTheTotalsAndTheIncreaseSinceTheLastLine() {
        StatsLine line = new StatsLine();
        assertThat(line.next(totals(100, 2, 3, 4, 5, 6, 7, 8)))
                .isEqualTo("stats: packets 102 (+102) drops 5 (+5) flows 4 (+4) transactions 5 (+5) alerts 6 (+6)"
                        + " anomalies 7 (+7) sink_drops 8 (+8) records_lost 1 (+1)");
        assertThat(line.next(totals(150, 2, 4, 4, 9, 6, 7, 8)))
                .isEqualTo("stats: packets 152 (+50) drops 6 (+1) flows 4 (+0) transactions 9 (+4) alerts 6 (+0)"
                        + " anomalies 7 (+0) sink_drops 8 (+0) records_lost 1 (+0)");
    }
}
