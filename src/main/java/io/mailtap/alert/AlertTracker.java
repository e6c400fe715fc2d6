package io.mailtap.alert;

import io.mailtap.detect.Finding;
import io.mailtap.detect.FindingSink;
import io.mailtap.detect.RuleId;
import io.mailtap.detect.Severity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * De-duplicates findings into alerts and tells the sinks, all by packet time:
 * <ul>
 *   <li>the first finding of a {@code (rule, key)} opens an alert: one {@code firing} notification;</li>
 *   <li>later findings update it (count, last_seen, evidence merged key by key, the most severe
 *       state and its summary); the update is notified ({@code firing} again) when it raises the
 *       alert's state (an escalation, e.g. egress_policy attempted → smtp: news at once) or when
 *       {@code renotify_interval} has passed since the last notification;</li>
 *   <li>once no finding has arrived for {@code resolve_after}, it resolves: one {@code resolved}
 *       notification stamped {@code last_seen + resolve_after}, so the result does not depend on
 *       how often time is advanced;</li>
 *   <li>end of input ({@link #flush}) adds nothing: alerts still open were already written when they
 *       opened (a replay's log is its notifications, not a final dump).</li>
 * </ul>
 * At most {@code max_open_alerts} alerts per rule are open; beyond that new ones are suppressed and
 * counted. Not thread-safe: driven by the detection engine's thread.
 */
public final class AlertTracker implements FindingSink, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AlertTracker.class);
    /** Connection uids kept per alert (the most recent ones). */
    static final int MAX_UIDS = 10;

    private final AlertSettings settings;
    private final List<AlertSink> sinks;
    private final AlertStats stats = new AlertStats();
    private final Map<RuleId, LinkedHashMap<String, Open>> open = new EnumMap<>(RuleId.class);
    private final Map<RuleId, long[]> policyMicros = new EnumMap<>(RuleId.class);
    /** uid → open alerts citing it, for gaps learnt after the fact. Bounded by MAX_UIDS × open alerts. */
    private final Map<String, List<Open>> byUid = new HashMap<>();
    private long nowMicros = Long.MIN_VALUE;
    private int sinkErrorLogs;

    public AlertTracker(AlertSettings settings, List<AlertSink> sinks) {
        this.settings = settings;
        this.sinks = List.copyOf(sinks);
        for (RuleId r : RuleId.values()) {
            // Access order: the eldest entry is the one updated longest ago, i.e. the next to resolve.
            open.put(r, new LinkedHashMap<>(16, 0.75f, true));
            AlertSettings.Policy p = settings.policy(r);
            policyMicros.put(r, new long[]{micros(p.renotifyInterval()), micros(p.resolveAfter())});
        }
    }

    public AlertTracker(AlertSettings settings, AlertSink... sinks) {
        this(settings, List.of(sinks));
    }

    private static long micros(java.time.Duration d) {
        return Math.multiplyExact(d.getSeconds(), 1_000_000L) + d.getNano() / 1000L;
    }

    /** Mutable state of one open alert. */
    private static final class Open {
        final RuleId rule;
        final String key;
        final long firstSeen;
        Severity severity;
        long lastSeen, lastNotified, count, windowSeconds;
        String src, dst, account, state, summary;
        int stateRank = Integer.MIN_VALUE;
        boolean gaps;
        final LinkedHashMap<String, Object> evidence = new LinkedHashMap<>();
        final ArrayDeque<String> uids = new ArrayDeque<>(4);

        Open(RuleId rule, String key, long firstSeen) {
            this.rule = rule;
            this.key = key;
            this.firstSeen = firstSeen;
            this.lastSeen = firstSeen;
        }
    }

    @Override
    public void onFinding(Finding f) {
        advanceTime(f.tsMicros());
        LinkedHashMap<String, Open> alerts = open.get(f.rule());
        Open a = alerts.get(f.key());
        if (a == null) {
            if (alerts.size() >= settings.maxOpenAlertsPerRule()) {
                stats.rule(f.rule()).countSuppressed();
                return;
            }
            a = new Open(f.rule(), f.key(), f.tsMicros());
            alerts.put(f.key(), a);
            apply(a, f);
            if (!f.windowed()) a.count = Math.max(1, a.count);
            a.lastNotified = f.tsMicros();
            stats.rule(f.rule()).countOpened();
            stats.rule(f.rule()).setOpen(alerts.size());
            publish(snapshot(a, AlertStatus.FIRING, f.tsMicros()));
            return;
        }
        int rankBefore = a.stateRank;
        apply(a, f);
        if (a.stateRank > rankBefore || f.tsMicros() - a.lastNotified >= policyMicros.get(a.rule)[0]) {
            a.lastNotified = f.tsMicros();
            stats.rule(a.rule).countRenotified();
            publish(snapshot(a, AlertStatus.FIRING, f.tsMicros()));
        }
    }

    private void apply(Open a, Finding f) {
        a.lastSeen = Math.max(a.lastSeen, f.tsMicros());
        a.severity = f.severity();
        a.count = f.windowed() ? f.count() : a.count + f.count();
        a.windowSeconds = f.windowSeconds();
        if (f.srcIp() != null) a.src = f.srcIp();
        if (f.dstIp() != null) a.dst = f.dstIp();
        if (f.account() != null) a.account = f.account();
        if (f.stateRank() >= a.stateRank) {
            a.stateRank = f.stateRank();
            a.state = f.state();
            a.summary = f.summary();
        }
        a.evidence.putAll(f.evidence());
        a.gaps |= f.gaps();
        String uid = f.uid();
        if (uid != null && !a.uids.contains(uid)) {
            a.uids.addLast(uid);
            byUid.computeIfAbsent(uid, k -> new ArrayList<>(1)).add(a);
            if (a.uids.size() > MAX_UIDS) unindex(a.uids.removeFirst(), a);
        }
    }

    private void unindex(String uid, Open a) {
        List<Open> l = byUid.get(uid);
        if (l == null) return;
        l.remove(a);
        if (l.isEmpty()) byUid.remove(uid);
    }

    @Override
    public void connectionGaps(String uid, long tsMicros) {
        List<Open> l = byUid.get(uid);
        if (l != null) for (Open a : l) a.gaps = true;
    }

    private static final long RESOLVE_CHECK_MICROS = 1_000_000L;
    private long nextResolveCheckMicros = Long.MIN_VALUE;

    /** Resolves every alert quiet for its rule's {@code resolve_after} as of packet time {@code tsMicros}. */
    @Override
    public void advanceTime(long tsMicros) {
        if (tsMicros <= nowMicros) return;
        nowMicros = tsMicros;
        // Called for every event; resolve intervals are minutes, and a resolved line is stamped
        // from last_seen, not from this check: looking once per second of packet time is enough.
        if (tsMicros < nextResolveCheckMicros) return;
        nextResolveCheckMicros = tsMicros + RESOLVE_CHECK_MICROS;
        List<Open> due = null;
        for (Map.Entry<RuleId, LinkedHashMap<String, Open>> e : open.entrySet()) {
            LinkedHashMap<String, Open> alerts = e.getValue();
            if (alerts.isEmpty()) continue;
            long resolveAfter = policyMicros.get(e.getKey())[1];
            Iterator<Open> it = alerts.values().iterator();
            while (it.hasNext()) {
                Open a = it.next();
                if (tsMicros - a.lastSeen < resolveAfter) break;
                it.remove();
                if (due == null) due = new ArrayList<>();
                due.add(a);
            }
            stats.rule(e.getKey()).setOpen(alerts.size());
        }
        if (due == null) return;
        due.sort(Comparator.comparingLong(this::resolveTime));
        for (Open a : due) {
            for (String uid : a.uids) unindex(uid, a);
            stats.rule(a.rule).countResolved();
            publish(snapshot(a, AlertStatus.RESOLVED, resolveTime(a)));
        }
    }

    private long resolveTime(Open a) {
        return a.lastSeen + policyMicros.get(a.rule)[1];
    }

    private Alert snapshot(Open a, AlertStatus status, long ts) {
        LinkedHashMap<String, Object> ev = new LinkedHashMap<>(a.evidence);
        if (!a.uids.isEmpty()) ev.put("uids", List.copyOf(a.uids));
        return new Alert(ts, a.rule, a.severity, status, a.key, a.src, a.dst, a.account, a.state, a.count,
                a.windowSeconds, a.firstSeen, a.lastSeen, a.summary, ev, a.gaps, settings.sensor(), settings.site());
    }

    private void publish(Alert alert) {
        stats.notified();
        for (AlertSink s : sinks) {
            try {
                s.publish(alert);
            } catch (RuntimeException ex) {
                stats.sinkError();
                if (sinkErrorLogs++ < 10) LOG.warn("alert sink {} failed", s.getClass().getSimpleName(), ex);
            }
        }
    }

    /** Snapshots of the alerts open now (status firing), oldest update first per rule. */
    public List<Alert> openAlerts() {
        List<Alert> l = new ArrayList<>();
        for (LinkedHashMap<String, Open> m : open.values()) {
            for (Open a : m.values()) l.add(snapshot(a, AlertStatus.FIRING, a.lastSeen));
        }
        return l;
    }

    public int openCount() {
        int n = 0;
        for (LinkedHashMap<String, Open> m : open.values()) n += m.size();
        return n;
    }

    public AlertStats stats() { return stats; }

    /** End of input or a periodic push: flushes the sinks. Publishes nothing and resolves nothing. */
    public void flush() {
        for (AlertSink s : sinks) {
            try {
                s.flush();
            } catch (RuntimeException ex) {
                stats.sinkError();
                LOG.warn("alert sink {} failed to flush", s.getClass().getSimpleName(), ex);
            }
        }
    }

    /** Flushes and closes every sink. */
    @Override
    public void close() {
        for (AlertSink s : sinks) {
            try {
                s.close();
            } catch (RuntimeException ex) {
                stats.sinkError();
                LOG.warn("alert sink {} failed to close", s.getClass().getSimpleName(), ex);
            }
        }
    }
}
