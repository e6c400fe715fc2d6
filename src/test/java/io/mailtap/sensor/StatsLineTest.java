package io.mailtap.sensor;

import io.mailtap.metrics.SensorTotals;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The periodic stats line: totals since start and the increase since the previous line. */
class StatsLineTest {
    private static SensorTotals totals(long frames, long ringDrops, long kernelDrops, long flows, long tx, long alerts,
                                       long anomalies, long sinkGaveUp) {
        SensorTotals t = new SensorTotals();
        t.decode.frames = frames;
        t.captureDroppedRing = ringDrops;
        t.captureDroppedKernel = kernelDrops;
        t.flow.flowsCreated = flows;
        t.smtp.transactions = tx;
        t.alertsRaised[0][0] = alerts;
        t.smtp.anomalies = anomalies;
        t.sink("webhook").gaveUp = sinkGaveUp;
        return t;
    }

    @Test
    void eachLineHasTheTotalsAndTheIncreaseSinceTheLastLine() {
        StatsLine line = new StatsLine();
        assertThat(line.next(totals(100, 2, 3, 4, 5, 6, 7, 8)))
                .isEqualTo("stats: packets 102 (+102) drops 5 (+5) flows 4 (+4) transactions 5 (+5) alerts 6 (+6)"
                        + " anomalies 7 (+7) sink_drops 8 (+8)");
        assertThat(line.next(totals(150, 2, 4, 4, 9, 6, 7, 8)))
                .isEqualTo("stats: packets 152 (+50) drops 6 (+1) flows 4 (+0) transactions 9 (+4) alerts 6 (+0)"
                        + " anomalies 7 (+0) sink_drops 8 (+0)");
    }
}
