package io.mailtap.detect;

import io.mailtap.flow.CommunityId;
import io.mailtap.flow.Connection;
import io.mailtap.smtp.SmtpEvent;

import java.util.LinkedHashMap;
import java.util.Map;

/** One policy: consumes events, keeps its own bounded state, emits findings. Not thread-safe. */
abstract class Rule {
    final RuleId id;
    final Severity severity;
    final DetectStats.RuleStats stats;
    private final FindingSink sink;
    /** Hashes the Community ID of each finding's connection; a rule runs on one thread. */
    private final CommunityId communityIds = new CommunityId(0);
    /**
     * The last connection's Community ID: a rule's findings come in runs about one connection
     * (egress_policy notifies each upgrade of it), and a connection is immutable, so one SHA-1
     * per connection is enough.
     */
    private Connection lastIdConn;
    private String lastId;

    Rule(RuleId id, RuleContext ctx) {
        this.id = id;
        this.severity = ctx.severity();
        this.sink = ctx.sink();
        this.stats = ctx.stats().rule(id);
    }

    abstract void onEvent(SmtpEvent e);

    /** Keys held now, over all of the rule's tables. */
    int trackedKeys() { return 0; }

    /**
     * A repeat of an open alert's key, counted in O(1) through its handle ({@link OpenFinding}).
     * False when there is no handle or it refuses: then the caller emits a full finding.
     */
    final boolean repeated(OpenFinding alert, long ts, long count, Connection c, OpenFinding.Latest latest) {
        if (alert == null || !alert.repeat(ts, count, c == null ? null : c.uid(), latest)) return false;
        stats.finding();
        return true;
    }

    private String communityId(Connection c) {
        if (c == null) return null;
        if (c != lastIdConn) {
            lastId = communityIds.of(c);
            lastIdConn = c;
        }
        return lastId;
    }

    /** Starts a finding about connection {@code c} at the event's packet time. */
    final Builder finding(String key, Connection c, long ts) {
        return new Builder(key, c, ts);
    }

    /** Assembles a {@link Finding}; evidence keeps insertion order and skips nulls. */
    final class Builder {
        private final String key;
        private final long ts;
        private String src, dst, account, state, summary, uid, list;
        private final Connection conn;
        private int stateRank;
        private long count = 1, windowSeconds;
        private boolean gaps;
        private final Map<String, Object> evidence = new LinkedHashMap<>();

        private Builder(String key, Connection c, long ts) {
            this.key = key;
            this.ts = ts;
            this.conn = c;
            if (c != null) {
                this.src = c.clientIpText();
                this.dst = c.serverIpText();
                this.uid = c.uid();
            }
        }

        Builder src(String v) { src = v; return this; }
        Builder dst(String v) { dst = v; return this; }
        Builder account(String v) { account = Evidence.ev(v); return this; }
        Builder state(String v, int rank) { state = v; stateRank = rank; return this; }
        Builder count(long v) { count = v; return this; }
        Builder window(long micros, long countInWindow) { windowSeconds = Math.max(1, micros / 1_000_000L); count = countInWindow; return this; }
        Builder summary(String v) { summary = v; return this; }
        Builder gaps(boolean v) { gaps |= v; return this; }
        Builder uid(String v) { uid = v; return this; }
        Builder list(String v) { list = v; return this; }

        Builder ev(String name, Object value) {
            if (value instanceof String s) value = Evidence.ev(s);
            if (value != null) evidence.put(name, value);
            return this;
        }

        /** The finding, not sent (what {@link OpenFinding.Latest#finding()} returns). */
        Finding build() {
            return new Finding(id, severity, key, ts, src, dst, account, state, stateRank, count,
                    windowSeconds, summary, evidence, uid, gaps, list, communityId(conn));
        }

        /** Sends the finding; returns the handle on its open alert for later repeats, or null. */
        OpenFinding emit() {
            stats.finding();
            return sink.track(build());
        }
    }
}
