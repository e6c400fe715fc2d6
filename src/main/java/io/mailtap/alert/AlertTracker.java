package io.mailtap.alert;

import io.mailtap.detect.Finding;
import io.mailtap.detect.FindingSink;
import io.mailtap.detect.OpenFinding;
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

    private AlertSettings settings;
    private List<AlertSink> sinks;
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
        }
        takePolicies(settings);
    }

    private void takePolicies(AlertSettings s) {
        for (RuleId r : RuleId.values()) {
            AlertSettings.Policy p = s.policy(r);
            policyMicros.put(r, new long[]{micros(p.renotifyInterval()), micros(p.resolveAfter())});
        }
    }

    /**
     * A reload (on the engine's thread, between two events): open alerts and their re-notify
     * times are kept; the new de-duplication policy applies from now on; the alerts of
     * {@code disabled} rules resolve now (told to the sinks they were told to); {@code sinks}, when
     * not null, replace the sinks and those listed in {@code brief} are told the state of every
     * alert still open (they are new and have not heard of them). Does not close anything.
     *
     * @return the sinks replaced (the caller closes them), or an empty list
     */
    public List<AlertSink> reconfigure(AlertSettings next, java.util.Collection<RuleId> disabled,
                                       List<AlertSink> sinks, List<AlertSink> brief) {
        List<Open> off = new ArrayList<>();
        for (RuleId r : disabled) {
            LinkedHashMap<String, Open> alerts = open.get(r);
            off.addAll(alerts.values());
            alerts.clear();
            stats.rule(r).setOpen(0);
        }
        long now = nowMicros;
        for (Open a : off) {
            a.closed = true;
            for (String uid : a.uids) unindex(uid, a);
            stats.rule(a.rule).countResolved();
            publish(snapshot(a, AlertStatus.RESOLVED, Math.max(now, a.lastSeen)));
        }
        settings = next;
        takePolicies(next);
        if (sinks == null) return List.of();
        List<AlertSink> replaced = new ArrayList<>();
        for (AlertSink s : this.sinks) if (!sinks.contains(s)) replaced.add(s);
        this.sinks = List.copyOf(sinks);
        for (LinkedHashMap<String, Open> m : open.values()) {
            for (Open a : m.values()) {
                Alert snap = snapshot(a, AlertStatus.FIRING, a.lastSeen);
                for (AlertSink s : brief) deliver(s, snap);
            }
        }
        return replaced;
    }

    public AlertTracker(AlertSettings settings, AlertSink... sinks) {
        this(settings, List.of(sinks));
    }

    private static long micros(java.time.Duration d) {
        return Math.multiplyExact(d.getSeconds(), 1_000_000L) + d.getNano() / 1000L;
    }

    /** Mutable state of one open alert; also the rules' handle for O(1) repeats. */
    private final class Open implements OpenFinding {
        final RuleId rule;
        final String key;
        final long firstSeen;
        Severity severity;
        long lastSeen, lastNotified, count, windowSeconds;
        String src, dst, account, state, summary, list, communityId;
        int stateRank = Integer.MIN_VALUE;
        boolean gaps, closed;
        /** The rule's latest repeat not yet built into a Finding (its count is already in {@link #count}). */
        OpenFinding.Latest pending;
        final LinkedHashMap<String, Object> evidence = new LinkedHashMap<>();
        final ArrayDeque<String> uids = new ArrayDeque<>(4);

        Open(RuleId rule, String key, long firstSeen) {
            this.rule = rule;
            this.key = key;
            this.firstSeen = firstSeen;
            this.lastSeen = firstSeen;
        }

        @Override
        public boolean repeat(long tsMicros, long n, String uid, OpenFinding.Latest latest) {
            if (closed) return false;
            // a new connection goes through a full finding, so the alert's uid list stays exact
            if (uid != null && !uid.equals(uids.peekLast())) return false;
            advanceTime(tsMicros);
            if (closed) return false;
            open.get(rule).get(key); // touch: access order is resolve order
            lastSeen = Math.max(lastSeen, tsMicros);
            count = windowSeconds > 0 ? n : count + n;
            pending = latest;
            if (tsMicros - lastNotified >= policyMicros.get(rule)[0]) {
                lastNotified = tsMicros;
                stats.rule(rule).countRenotified();
                publish(snapshot(this, AlertStatus.FIRING, tsMicros));
            }
            return true;
        }
    }

    @Override
    public void onFinding(Finding f) {
        track(f);
    }

    @Override
    public OpenFinding track(Finding f) {
        advanceTime(f.tsMicros());
        LinkedHashMap<String, Open> alerts = open.get(f.rule());
        Open a = alerts.get(f.key());
        if (a == null) {
            if (alerts.size() >= settings.maxOpenAlertsPerRule()) {
                stats.rule(f.rule()).countSuppressed();
                return null;
            }
            a = new Open(f.rule(), f.key(), f.tsMicros());
            alerts.put(f.key(), a);
            apply(a, f, false);
            if (!f.windowed()) a.count = Math.max(1, a.count);
            a.lastNotified = f.tsMicros();
            stats.rule(f.rule()).countOpened();
            stats.rule(f.rule()).setOpen(alerts.size());
            publish(snapshot(a, AlertStatus.FIRING, f.tsMicros()));
            return a;
        }
        settle(a);
        int rankBefore = a.stateRank;
        apply(a, f, false);
        if (a.stateRank > rankBefore || f.tsMicros() - a.lastNotified >= policyMicros.get(a.rule)[0]) {
            a.lastNotified = f.tsMicros();
            stats.rule(a.rule).countRenotified();
            publish(snapshot(a, AlertStatus.FIRING, f.tsMicros()));
        }
        return a;
    }

    /** Builds the pending repeat into the alert before it is written or merged with a new finding. */
    private void settle(Open a) {
        OpenFinding.Latest p = a.pending;
        if (p == null) return;
        a.pending = null;
        apply(a, p.finding(), true);
    }

    /** Merges {@code f} into {@code a}; {@code counted}: its occurrences are already in the count (a settled repeat). */
    private void apply(Open a, Finding f, boolean counted) {
        a.lastSeen = Math.max(a.lastSeen, f.tsMicros());
        a.severity = f.severity();
        if (f.windowed()) a.count = f.count();
        else if (!counted) a.count += f.count();
        a.windowSeconds = f.windowSeconds();
        if (f.srcIp() != null) a.src = f.srcIp();
        if (f.dstIp() != null) a.dst = f.dstIp();
        if (f.account() != null) a.account = f.account();
        if (f.list() != null) a.list = f.list();
        if (f.communityId() != null) a.communityId = f.communityId();
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
                a.closed = true;
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
        settle(a);
        LinkedHashMap<String, Object> ev = new LinkedHashMap<>(a.evidence);
        if (!a.uids.isEmpty()) ev.put("uids", List.copyOf(a.uids));
        return new Alert(ts, a.rule, a.severity, status, a.key, a.src, a.dst, a.account, a.state, a.count,
                a.windowSeconds, a.firstSeen, a.lastSeen, a.summary, ev, a.gaps, settings.sensor(), a.list, settings.site(), a.communityId);
    }

    private void publish(Alert alert) {
        stats.notified();
        for (AlertSink s : sinks) deliver(s, alert);
    }

    private void deliver(AlertSink s, Alert alert) {
        try {
            s.publish(alert);
        } catch (RuntimeException ex) {
            stats.sinkError();
            if (sinkErrorLogs++ < 10) LOG.warn("alert sink {} failed", s.getClass().getSimpleName(), ex);
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
