package io.mailtap.sensor;

import io.mailtap.decode.DecodeCounter;
import io.mailtap.flow.FlowCounter;
import io.mailtap.metrics.SensorTotals;
import io.mailtap.smtp.SmtpCounter;

/**
 * The periodic one-line stats log of the live sensor ({@code output.stats_interval}), in the spirit
 * of Suricata's stats.log: for an operator reading the journal without Prometheus. Each figure is
 * the total since start, then {@code (+n)} for the interval since the previous line. The figures are
 * the same totals the metrics endpoint exposes, so the two never disagree.
 */
final class StatsLine {
    /** One figure of the line: its name and how to read it from the totals. */
    private record Figure(String name, java.util.function.ToLongFunction<SensorTotals> value) {}

    private static final Figure[] FIGURES = {
            new Figure("packets", t -> t.decode.get(DecodeCounter.FRAMES) + t.captureDroppedRing),
            new Figure("drops", t -> t.captureDroppedKernel + t.captureDroppedInterface + t.captureDroppedRing),
            new Figure("flows", t -> t.flow.get(FlowCounter.FLOWS_CREATED)),
            new Figure("transactions", t -> t.smtp.get(SmtpCounter.TRANSACTIONS)),
            new Figure("alerts", StatsLine::alertsRaised),
            new Figure("anomalies", t -> t.smtp.anomaliesTotal()),
            new Figure("sink_drops", StatsLine::sinkDrops),
            new Figure("records_lost", t -> java.util.Arrays.stream(t.outputLost).sum()),
    };

    private final long[] previous = new long[FIGURES.length];

    /** The line for {@code now}; remembers its figures for the next line's deltas. */
    String next(SensorTotals now) {
        StringBuilder b = new StringBuilder("stats:");
        for (int i = 0; i < FIGURES.length; i++) {
            long v = FIGURES[i].value().applyAsLong(now);
            b.append(' ').append(FIGURES[i].name()).append(' ').append(v).append(" (+").append(v - previous[i]).append(')');
            previous[i] = v;
        }
        return b.toString();
    }

    private static long alertsRaised(SensorTotals t) {
        long n = 0;
        for (long[] bySeverity : t.alertsRaised) for (long v : bySeverity) n += v;
        return n;
    }

    /** Alert notifications a sink lost: queue full or retries exhausted. */
    private static long sinkDrops(SensorTotals t) {
        long n = 0;
        for (SensorTotals.SinkTotals s : t.sinks.values()) n += s.droppedQueueFull + s.gaveUp;
        return n;
    }
}
