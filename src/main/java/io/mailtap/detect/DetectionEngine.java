package io.mailtap.detect;

import io.mailtap.smtp.SmtpEvent;
import io.mailtap.smtp.SmtpEventListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * The detection stage: hands every SMTP event to each enabled rule and their findings to a
 * {@link FindingSink} (the alert tracker). All time is packet time — the events' timestamps and
 * {@link #advanceTime} — so a replay of a capture gives the alerts the live sensor gave. Does no
 * I/O. Not thread-safe: the pipeline delivers events to one engine from one thread (events of
 * several workers are merged before it).
 *
 * <p>Build it from the config: {@code new DetectionEngine(DetectPlan.from(config.view()), tracker)}.
 */
public final class DetectionEngine implements SmtpEventListener {
    private static final Logger LOG = LoggerFactory.getLogger(DetectionEngine.class);
    private static final int MAX_ERROR_LOGS = 10;

    private final FindingSink sink;
    private final DetectStats stats = new DetectStats();
    private final AddressPlan net;
    private DetectPlan plan;
    private Rule[] rules;
    private long nowMicros = Long.MIN_VALUE;
    private int errorLogs;

    public DetectionEngine(DetectPlan plan, FindingSink sink) {
        this.sink = sink;
        this.plan = plan;
        this.net = new AddressPlan(plan);
        List<Rule> all = new ArrayList<>();
        for (DetectPlan.Configured<?> r : plan.rules()) if (r.enabled()) all.add(build(r, plan));
        this.rules = all.toArray(new Rule[0]);
    }

    private Rule build(DetectPlan.Configured<?> r, DetectPlan p) {
        return r.create(net, p.maxTrackedKeys(), sink, stats);
    }

    /**
     * A reload: takes {@code next} between two events (on the engine's thread). The address plan
     * changes in place; a rule whose inputs (severity, own settings, key cap) are unchanged is kept
     * with all its state (windows, samples, handles on its open alerts); a changed rule is built
     * anew (its windows start over; its open alerts stay open downstream and take its next
     * findings); a newly enabled rule starts empty.
     *
     * @return the rules {@code next} switches off (their open alerts are the sink's to resolve)
     */
    public List<RuleId> reconfigure(DetectPlan next) {
        net.update(next);
        List<Rule> all = new ArrayList<>();
        List<RuleId> off = new ArrayList<>();
        for (DetectPlan.Configured<?> n : next.rules()) {
            RuleId id = n.spec().id();
            Rule old = null;
            for (Rule r : rules) if (r.id == id) old = r;
            if (!n.enabled()) {
                if (old != null) {
                    off.add(id);
                    old.stats.setTrackedKeys(0);
                }
                continue;
            }
            boolean same = old != null && plan.maxTrackedKeys() == next.maxTrackedKeys() && plan.rule(id).sameInputs(n);
            all.add(same ? old : build(n, next));
        }
        rules = all.toArray(new Rule[0]);
        plan = next;
        return List.copyOf(off);
    }

    @Override
    public void onEvent(SmtpEvent e) {
        advanceTime(e.tsMicros());
        stats.event();
        for (Rule r : rules) {
            try {
                r.onEvent(e);
            } catch (RuntimeException ex) {
                stats.ruleError();
                if (errorLogs < MAX_ERROR_LOGS) {
                    errorLogs++;
                    LOG.warn("rule {} failed on {} of connection {}; event skipped for this rule", r.id,
                            e.getClass().getSimpleName(), e.conn().uid(), ex);
                }
            }
            r.stats.setTrackedKeys(r.trackedKeys());
        }
        if (e instanceof SmtpEvent.ConnectionEnd end && end.gaps()) {
            sink.connectionGaps(end.conn().uid(), end.tsMicros());
        } else if (e instanceof SmtpEvent.Transaction t && t.record().gaps()) {
            sink.connectionGaps(t.conn().uid(), t.tsMicros());
        }
    }

    /**
     * Packet time has reached {@code tsMicros} (the pipeline calls this as packets arrive and from
     * the live heartbeat). Never moves time back. Quiet alerts resolve downstream.
     */
    public void advanceTime(long tsMicros) {
        if (tsMicros > nowMicros) {
            nowMicros = tsMicros;
            sink.advanceTime(tsMicros);
        }
    }

    /** The latest packet time seen, or {@link Long#MIN_VALUE} before the first. */
    public long nowMicros() { return nowMicros; }

    public DetectStats stats() { return stats; }

    /** Ids of the enabled rules, in evaluation order. */
    public List<RuleId> enabledRules() {
        List<RuleId> ids = new ArrayList<>(rules.length);
        for (Rule r : rules) ids.add(r.id);
        return List.copyOf(ids);
    }
}
