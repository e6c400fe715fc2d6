package io.mailtap.detect;

import io.mailtap.settings.Leaf;
import io.mailtap.settings.Units;
import java.util.List;
import java.util.Set;
import io.mailtap.flow.Connection;
import io.mailtap.smtp.SmtpEvent;
import io.mailtap.smtp.TransactionRecord;

import java.util.EnumMap;
import java.util.Map;

import static io.mailtap.settings.ValueTypes.*;

/**
 * {@code null_sender_burst}: at least {@code threshold} {@code MAIL FROM:<>} within the window,
 * counted separately per client host, per AUTH account and per server (incident 2: a stolen
 * mailbox blasting empty-sender mail; keyed by account the alert names the account the server's own
 * logs did not show). Every MAIL FROM is counted as sent, whatever the server answered.
 */
final class NullSenderBurstRule extends Rule {
    private static final int NULLS = 0, ALL = 1;
    private static final NullSenderKey[] KINDS = NullSenderKey.values();

    private final Settings cfg;
    private final Map<NullSenderKey, KeyedLru<KeyState>> tables = new EnumMap<>(NullSenderKey.class);

    /** {@code detect.null_sender_burst}: at least {@code threshold} {@code MAIL FROM:<>} per key in the window. */
    record Settings(long windowMicros, int threshold, Set<NullSenderKey> keys) {
        Settings {
            keys = Set.copyOf(keys);
            if (windowMicros <= 0 || threshold <= 0) throw new IllegalArgumentException("window and threshold must be > 0");
        }
    }

    static final RuleSpec<Settings> SPEC = RuleSpec.of(RuleId.NULL_SENDER_BURST, Severity.CRITICAL,
            "At least threshold MAIL FROM:<> within window, per client host, per AUTH account and per server.",
            List.of(Leaf.live("window", duration(false), Units.parseDuration("10m"), "Sliding window (packet time)."),
                    Leaf.live("threshold", integer(1, 10_000_000), 20, "Null-sender MAIL FROMs in the window that fire the rule."),
                    Leaf.live("keys", DetectTypes.nullSenderKeys(), List.of(NullSenderKey.CLIENT, NullSenderKey.ACCOUNT, NullSenderKey.SERVER),
                            "What to count per: client, account, server.")),
            v -> new Settings(v.micros("window"), v.integer("threshold"), Set.copyOf(v.<NullSenderKey>list("keys"))),
            NullSenderBurstRule::new)
            .readme("≥ `threshold` (20) `MAIL FROM:<>` within `window` (10m), counted separately per client host, per AUTH account and per server. Reports the count, the share of null senders among that key's MAIL FROMs, and sample recipients/domains.",
                    "`client:IP`, `account:USER`, `server:IP`");

    NullSenderBurstRule(Settings s, RuleContext ctx) {
        super(RuleId.NULL_SENDER_BURST, ctx);
        this.cfg = s;
        for (NullSenderKey k : NullSenderKey.values()) {
            if (cfg.keys().contains(k)) tables.put(k, new KeyedLru<>(ctx.maxTrackedKeys(), this.stats));
        }
    }

    private final class KeyState implements OpenFinding.Latest {
        final NullSenderKey kind;
        final String value;
        final WindowCounts window = new WindowCounts(cfg.windowMicros(), 2);
        /** Made at the key's first null sender: most keys never send one and need only the window. */
        Samples samples;
        OpenFinding alert;
        Connection lastConn;
        String lastUser, lastHelo;
        long lastTs, lastNulls, lastAll;

        KeyState(NullSenderKey kind, String value) {
            this.kind = kind;
            this.value = value;
        }

        Samples samples() {
            if (samples == null) samples = new Samples();
            return samples;
        }

        @Override
        public Finding finding() { return describe(this).build(); }
    }

    /** What a key's null-sender mail went to, and the same at its latest match (as its finding shows it). */
    private static final class Samples {
        final Sample rcpts = new Sample();
        final Sample domains = new Sample();
        final Sample others = new Sample(); // servers for a client/account key, clients for a server key
        final Sample lastRcpts = new Sample();
        final Sample lastDomains = new Sample();
        final Sample lastOthers = new Sample();
    }

    private static String keyValue(NullSenderKey k, Connection c, String authUser) {
        return switch (k) {
            case CLIENT -> c.clientIpText();
            case SERVER -> c.serverIpText();
            case ACCOUNT -> authUser == null || authUser.isEmpty() ? null : Evidence.key(authUser);
        };
    }

    @Override
    void onEvent(SmtpEvent e) {
        if (e instanceof SmtpEvent.MailFrom m) {
            onMailFrom(m);
        } else if (e instanceof SmtpEvent.Rcpt r) {
            if (Evidence.isNullPath(r.mailFrom())) addSample(r.conn(), r.authUser(), r.argument());
        } else if (e instanceof SmtpEvent.Transaction t) {
            TransactionRecord rec = t.record();
            if (rec.nullSender() && rec.rcptTo() != null) {
                for (String rcpt : rec.rcptTo()) addSample(t.conn(), rec.authUser(), rcpt);
            }
        }
    }

    // Per event: the tables by index (no iterator), the recipient parsed once for all keys and
    // made into Strings only when a sample does not hold it yet.
    private void addSample(Connection c, String authUser, String rcpt) {
        long bare = Evidence.NONE, domain = Evidence.NONE;
        boolean parsed = false;
        for (NullSenderKey kind : KINDS) {
            KeyedLru<KeyState> t = tables.get(kind);
            if (t == null) continue;
            String v = keyValue(kind, c, authUser);
            if (v == null) continue;
            KeyState st = t.get(v);
            if (st == null) continue;
            if (!parsed) {
                bare = Evidence.bareRegion(rcpt);
                domain = Evidence.domainRegion(rcpt);
                parsed = true;
            }
            Samples s = st.samples();
            s.rcpts.addRegion(rcpt, bare, false);
            s.domains.addRegion(rcpt, domain, true);
        }
    }

    private void onMailFrom(SmtpEvent.MailFrom m) {
        Connection c = m.conn();
        long ts = m.tsMicros();
        for (NullSenderKey kind : KINDS) {
            KeyedLru<KeyState> t = tables.get(kind);
            if (t == null) continue;
            String v = keyValue(kind, c, m.authUser());
            if (v == null) continue;
            // Every sender gets a slot (not only those that sent <> already): the share of null
            // senders is then exact within the window.
            KeyState st = t.get(v);
            if (st == null) st = t.put(v, new KeyState(kind, v));
            st.window.add(ts, ALL, 1);
            if (!m.nullSender()) continue;
            st.window.add(ts, NULLS, 1);
            Samples s = st.samples();
            s.others.add(kind == NullSenderKey.SERVER ? c.clientIpText() : c.serverIpText());
            long nulls = st.window.sum(ts, NULLS);
            if (nulls < cfg.threshold()) continue;
            st.lastConn = c;
            st.lastTs = ts;
            st.lastUser = m.authUser();
            st.lastHelo = m.helo();
            st.lastNulls = nulls;
            st.lastAll = st.window.sum(ts, ALL);
            s.lastRcpts.copyFrom(s.rcpts);
            s.lastDomains.copyFrom(s.domains);
            s.lastOthers.copyFrom(s.others);
            if (!repeated(st.alert, ts, nulls, c, st)) st.alert = describe(st).emit();
        }
    }

    /** The finding of {@code st}'s latest match. */
    private Builder describe(KeyState st) {
        Connection c = st.lastConn;
        String value = st.value;
        long nulls = st.lastNulls, all = st.lastAll;
        String span = Evidence.span(cfg.windowMicros());
        String share = Evidence.percent(nulls, all);
        String summary = switch (st.kind) {
            case ACCOUNT -> "account " + Evidence.ev(value) + " sent " + nulls + " null-sender (MAIL FROM:<>) messages in "
                    + span + " (" + share + " of its MAIL FROMs), latest from " + c.clientIpText();
            case CLIENT -> c.clientIpText() + " sent " + nulls + " null-sender (MAIL FROM:<>) messages in " + span
                    + " (" + share + " of its MAIL FROMs)"
                    + (st.lastUser != null ? ", latest as account " + Evidence.ev(st.lastUser) : "");
            case SERVER -> c.serverIpText() + " received " + nulls + " null-sender (MAIL FROM:<>) messages in " + span
                    + " (" + share + " of its MAIL FROMs), latest from " + c.clientIpText();
        };
        return finding(st.kind.label() + ":" + value, c, st.lastTs)
                .window(cfg.windowMicros(), nulls)
                .account(st.lastUser)
                .summary(summary)
                .ev("key_type", st.kind.label())
                .ev("key_value", value)
                .ev("null_senders", nulls)
                .ev("mail_from_total", all)
                .ev("share_null", Evidence.ratio(nulls, all))
                .ev("threshold", cfg.threshold())
                .ev("auth_user", st.lastUser)
                .ev("helo", st.lastHelo)
                .ev("sample_rcpts", st.samples().lastRcpts.list())
                .ev("sample_domains", st.samples().lastDomains.list())
                .ev(st.kind == NullSenderKey.SERVER ? "sample_clients" : "sample_servers", st.samples().lastOthers.list());
    }

    @Override
    int trackedKeys() {
        int n = 0; // asked after every event: by index, no iterator
        for (NullSenderKey kind : KINDS) {
            KeyedLru<KeyState> t = tables.get(kind);
            if (t != null) n += t.size();
        }
        return n;
    }
}
