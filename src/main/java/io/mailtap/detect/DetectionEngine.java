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
 * <p>Build it from the config: {@code new DetectionEngine(config.detectSettings(), tracker)}.
 */
public final class DetectionEngine implements SmtpEventListener {
    private static final Logger LOG = LoggerFactory.getLogger(DetectionEngine.class);
    private static final int MAX_ERROR_LOGS = 10;

    private final FindingSink sink;
    private final DetectStats stats = new DetectStats();
    private final Rule[] rules;
    private long nowMicros = Long.MIN_VALUE;
    private int errorLogs;

    public DetectionEngine(DetectSettings settings, FindingSink sink) {
        this.sink = sink;
        Network net = new Network(settings);
        List<Rule> all = new ArrayList<>();
        if (settings.egressPolicy().enabled()) all.add(new EgressPolicyRule(settings, net, sink, stats));
        if (settings.nullSenderBurst().enabled()) all.add(new NullSenderBurstRule(settings, sink, stats));
        if (settings.authAccountBurst().enabled()) all.add(new AuthAccountBurstRule(settings, sink, stats));
        if (settings.authGuestAccount().enabled()) all.add(new AuthGuestAccountRule(settings, sink, stats));
        if (settings.authFailures().enabled()) all.add(new AuthFailuresRule(settings, sink, stats));
        if (settings.badHelo().enabled()) all.add(new BadHeloRule(settings, net, sink, stats));
        if (settings.blocklistRejection().enabled()) all.add(new BlocklistRejectionRule(settings, net, sink, stats));
        if (settings.openRelay().enabled()) all.add(new OpenRelayRule(settings, net, sink, stats));
        this.rules = all.toArray(new Rule[0]);
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
