package io.mailtap.detect;

import io.mailtap.flow.Connection;
import io.mailtap.smtp.SmtpEvent;
import io.mailtap.smtp.TransactionRecord;

import java.util.EnumMap;
import java.util.Map;

/**
 * {@code null_sender_burst}: at least {@code threshold} {@code MAIL FROM:<>} within the window,
 * counted separately per client host, per AUTH account and per server (incident 2: a stolen
 * mailbox blasting empty-sender mail; keyed by account the alert names the account the server's own
 * logs did not show). Every MAIL FROM is counted as sent, whatever the server answered.
 */
final class NullSenderBurstRule extends Rule {
    private static final int NULLS = 0, ALL = 1;

    private final DetectSettings.NullSenderBurst cfg;
    private final Map<NullSenderKey, KeyedLru<KeyState>> tables = new EnumMap<>(NullSenderKey.class);

    NullSenderBurstRule(DetectSettings s, FindingSink sink, DetectStats stats) {
        super(RuleId.NULL_SENDER_BURST, s, sink, stats);
        this.cfg = s.nullSenderBurst();
        for (NullSenderKey k : NullSenderKey.values()) {
            if (cfg.keys().contains(k)) tables.put(k, new KeyedLru<>(s.maxTrackedKeys(), this.stats));
        }
    }

    private final class KeyState {
        final WindowCounts window = new WindowCounts(cfg.windowMicros(), 2);
        final Sample rcpts = new Sample();
        final Sample domains = new Sample();
        final Sample others = new Sample(); // servers for a client/account key, clients for a server key
    }

    private static String keyValue(NullSenderKey k, Connection c, String authUser) {
        return switch (k) {
            case CLIENT -> c.clientIpText();
            case SERVER -> c.serverIpText();
            case ACCOUNT -> authUser == null || authUser.isEmpty() ? null : Text.key(authUser);
        };
    }

    @Override
    void onEvent(SmtpEvent e) {
        if (e instanceof SmtpEvent.MailFrom m) {
            onMailFrom(m);
        } else if (e instanceof SmtpEvent.Rcpt r) {
            if (Text.isNullPath(r.mailFrom())) addSample(r.conn(), r.authUser(), r.argument());
        } else if (e instanceof SmtpEvent.Transaction t) {
            TransactionRecord rec = t.record();
            if (rec.nullSender() && rec.rcptTo() != null) {
                for (String rcpt : rec.rcptTo()) addSample(t.conn(), rec.authUser(), rcpt);
            }
        }
    }

    private void addSample(Connection c, String authUser, String rcpt) {
        for (Map.Entry<NullSenderKey, KeyedLru<KeyState>> t : tables.entrySet()) {
            String v = keyValue(t.getKey(), c, authUser);
            if (v == null) continue;
            KeyState st = t.getValue().get(v);
            if (st == null) continue;
            st.rcpts.add(Text.bare(rcpt));
            st.domains.add(Text.domainOf(rcpt));
        }
    }

    private void onMailFrom(SmtpEvent.MailFrom m) {
        Connection c = m.conn();
        long ts = m.tsMicros();
        for (Map.Entry<NullSenderKey, KeyedLru<KeyState>> t : tables.entrySet()) {
            NullSenderKey kind = t.getKey();
            String v = keyValue(kind, c, m.authUser());
            if (v == null) continue;
            // Every sender gets a slot (not only those that sent <> already): the share of null
            // senders is then exact within the window.
            KeyState st = t.getValue().getOrCreate(v, x -> new KeyState());
            st.window.add(ts, ALL, 1);
            if (!m.nullSender()) continue;
            st.window.add(ts, NULLS, 1);
            st.others.add(kind == NullSenderKey.SERVER ? c.clientIpText() : c.serverIpText());
            long nulls = st.window.sum(ts, NULLS);
            if (nulls < cfg.threshold()) continue;
            long all = st.window.sum(ts, ALL);
            emit(kind, v, m, st, nulls, all);
        }
    }

    private void emit(NullSenderKey kind, String value, SmtpEvent.MailFrom m, KeyState st, long nulls, long all) {
        Connection c = m.conn();
        String span = Text.span(cfg.windowMicros());
        String share = Text.percent(nulls, all);
        String summary = switch (kind) {
            case ACCOUNT -> "account " + Text.ev(value) + " sent " + nulls + " null-sender (MAIL FROM:<>) messages in "
                    + span + " (" + share + " of its MAIL FROMs), latest from " + c.clientIpText();
            case CLIENT -> c.clientIpText() + " sent " + nulls + " null-sender (MAIL FROM:<>) messages in " + span
                    + " (" + share + " of its MAIL FROMs)"
                    + (m.authUser() != null ? ", latest as account " + Text.ev(m.authUser()) : "");
            case SERVER -> c.serverIpText() + " received " + nulls + " null-sender (MAIL FROM:<>) messages in " + span
                    + " (" + share + " of its MAIL FROMs), latest from " + c.clientIpText();
        };
        finding(kind.label() + ":" + value, c, m.tsMicros())
                .window(cfg.windowMicros(), nulls)
                .account(m.authUser())
                .summary(summary)
                .ev("key_type", kind.label())
                .ev("key_value", value)
                .ev("null_senders", nulls)
                .ev("mail_from_total", all)
                .ev("share_null", Text.ratio(nulls, all))
                .ev("threshold", cfg.threshold())
                .ev("auth_user", m.authUser())
                .ev("helo", m.helo())
                .ev("sample_rcpts", st.rcpts.list())
                .ev("sample_domains", st.domains.list())
                .ev(kind == NullSenderKey.SERVER ? "sample_clients" : "sample_servers", st.others.list())
                .emit();
    }

    @Override
    int trackedKeys() {
        int n = 0;
        for (KeyedLru<KeyState> t : tables.values()) n += t.size();
        return n;
    }
}
