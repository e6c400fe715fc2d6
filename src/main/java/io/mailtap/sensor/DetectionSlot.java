package io.mailtap.sensor;

import io.mailtap.alert.AlertStats;
import io.mailtap.alert.MonitoredSink;
import io.mailtap.config.MailtapConfig;
import io.mailtap.detect.DetectCounter;
import io.mailtap.detect.DetectStats;
import io.mailtap.detect.RuleId;
import io.mailtap.detect.RuleSpec;
import io.mailtap.detect.Rules;
import io.mailtap.detect.Severity;
import io.mailtap.metrics.SensorTotals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The detection stage in use and the counters of the ones it replaced. A live reload keeps the
 * {@link Detection} (rule state, open alerts) and makes a new generation of it that carries the
 * {@link Detection.Change} (settings, replaced sinks), applied in {@link #replace} on the event
 * thread; a generation with a new Detection (tests, a rebuilt stage) starts its counters at 0. Either
 * way the metrics add those of every retired generation (folded into plain sums once it is closed)
 * to keep every counter monotonic across reloads, and an alert raised before a severity change stays
 * counted at the severity it was raised with.
 *
 * <p>{@link #current()} is read by the event thread; {@link #replace}, {@link #retired} and
 * {@link #collect} synchronise on this object (the scrape and reloads only, never an event).
 */
final class DetectionSlot {
    /** One detection stage with what the metrics need to know about it. */
    static final class Generation {
        final Detection detection;
        final Severity[] severity;
        final List<MonitoredSink> sinks;
        /** The reload this generation applies to the running detection, or null for a new detection. */
        final Detection.Change change;

        Generation(Detection detection, MailtapConfig cfg, List<MonitoredSink> sinks) {
            this(detection, null, cfg, sinks);
        }

        /** The running {@code detection} after {@code change} (a live reload). */
        Generation(Detection detection, Detection.Change change, MailtapConfig cfg, List<MonitoredSink> sinks) {
            this.detection = detection;
            this.change = change;
            this.severity = new Severity[RuleId.values().length];
            for (RuleSpec<?> r : Rules.ALL) severity[r.id().ordinal()] = cfg.rule(r.id()).severity();
            this.sinks = List.copyOf(sinks);
        }
    }

    private static final int RULES = RuleId.values().length;

    private volatile Generation current;
    private final List<Generation> closing = new ArrayList<>();
    private final long[][] raised = new long[RULES][Severity.values().length];
    private final long[] firing = new long[RULES];
    private final long[] resolved = new long[RULES];
    private final long[] suppressed = new long[RULES];
    private static final DetectCounter[] DETECT = DetectCounter.values();
    /** Detection counters of retired generations (gauges excluded: they describe the current one only). */
    private final long[] detect = new long[DETECT.length];
    private final long[][] detectRule = new long[RULES][DETECT.length];
    private final Map<String, SensorTotals.SinkTotals> sinks = new TreeMap<>();
    /** Alerts the current detection had opened when its current severities took effect (counted before). */
    private final long[] openedBase = new long[RULES];

    DetectionSlot(Generation initial) {
        this.current = initial;
    }

    Generation current() { return current; }

    /** Makes {@code next} current; the old generation counts as "closing" until {@link #retired}. */
    synchronized Generation replace(Generation next) {
        Generation old = current;
        // the alerts raised so far stay counted at the severity they were raised with
        AlertStats a = old.detection.tracker().stats();
        boolean kept = next.detection == old.detection;
        for (int i = 0; i < RULES; i++) {
            long opened = a.rule(RuleId.values()[i]).opened();
            raised[i][old.severity[i].ordinal()] += opened - openedBase[i];
            openedBase[i] = kept ? opened : 0;
        }
        if (kept && next.change != null) next.change.apply();
        closing.add(old);
        current = next;
        return old;
    }

    /** {@code old} is closed (its sinks drained): its final counters become plain sums. */
    synchronized void retired(Generation old) {
        if (!closing.remove(old)) return;
        if (old.detection == current.detection) { // kept: its counters go on; only dropped sinks fold
            for (MonitoredSink s : old.sinks) if (!current.sinks.contains(s)) fold(s);
            return;
        }
        AlertStats a = old.detection.tracker().stats();
        DetectStats d = old.detection.engine().stats();
        for (RuleId r : RuleId.values()) {
            int i = r.ordinal();
            AlertStats.RuleStats rs = a.rule(r);
            firing[i] += rs.opened() + rs.renotified();
            resolved[i] += rs.resolved();
            suppressed[i] += rs.suppressed();
            addCounters(d.rule(r), detectRule[i]);
        }
        addCounters(d, detect);
        for (MonitoredSink s : old.sinks) fold(s);
    }

    private void fold(MonitoredSink s) {
        SensorTotals.SinkTotals t = new SensorTotals.SinkTotals();
        t.add(s.stats());
        sinks.computeIfAbsent(s.name(), k -> new SensorTotals.SinkTotals()).addCounters(t);
    }

    synchronized void collect(SensorTotals t) {
        for (int i = 0; i < RULES; i++) {
            for (int s = 0; s < raised[i].length; s++) t.alertsRaised[i][s] += raised[i][s];
            t.alertsFiring[i] += firing[i];
            t.alertsResolved[i] += resolved[i];
            t.alertsSuppressed[i] += suppressed[i];
            for (int c = 0; c < DETECT.length; c++) t.detectRule[i][c] += detectRule[i][c];
        }
        for (Map.Entry<String, SensorTotals.SinkTotals> e : sinks.entrySet()) t.sink(e.getKey()).addCounters(e.getValue());
        Generation c = current;
        for (Generation g : closing) {
            if (g.detection == c.detection) {
                for (MonitoredSink s : g.sinks) if (!c.sinks.contains(s)) t.sink(s.name()).add(s.stats());
            } else {
                addLive(g, t, false);
            }
        }
        addLive(c, t, true);
        for (int k = 0; k < DETECT.length; k++) t.detect[k] += detect[k];
        System.arraycopy(c.severity, 0, t.ruleSeverity, 0, RULES);
    }

    /** Raised alerts only for the current generation: a replaced one's were folded in {@link #replace}. */
    private void addLive(Generation g, SensorTotals t, boolean active) {
        AlertStats a = g.detection.tracker().stats();
        DetectStats d = g.detection.engine().stats();
        for (RuleId r : RuleId.values()) {
            int i = r.ordinal();
            AlertStats.RuleStats rs = a.rule(r);
            if (active) t.alertsRaised[i][g.severity[i].ordinal()] += rs.opened() - openedBase[i];
            t.alertsFiring[i] += rs.opened() + rs.renotified();
            t.alertsResolved[i] += rs.resolved();
            t.alertsSuppressed[i] += rs.suppressed();
            if (active) t.alertsActive[i] += rs.open();
            for (DetectCounter k : DETECT) {
                if (k.perRule() && (active || !k.meter().gauge())) t.detectRule[i][k.ordinal()] += d.rule(r).get(k);
            }
        }
        for (DetectCounter k : DETECT) if (!k.perRule()) t.detect[k.ordinal()] += d.get(k);
        for (MonitoredSink s : g.sinks) t.sink(s.name()).add(s.stats());
    }

    private static void addCounters(DetectStats.RuleStats from, long[] into) {
        for (DetectCounter k : DETECT) if (k.perRule() && !k.meter().gauge()) into[k.ordinal()] += from.get(k);
    }

    private static void addCounters(DetectStats from, long[] into) {
        for (DetectCounter k : DETECT) if (!k.perRule()) into[k.ordinal()] += from.get(k);
    }
}
