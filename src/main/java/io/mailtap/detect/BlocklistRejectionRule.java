package io.mailtap.detect;

import io.mailtap.flow.Connection;
import io.mailtap.smtp.SmtpEvent;
import io.mailtap.text.WireText;

/**
 * {@code blocklist_rejection}: an outside server refuses one of our hosts (any 4xx/5xx, to any
 * command or the greeting) citing a blocklist: the site is listed now. Patterns are
 * case-insensitive substrings, or Java regexes when written {@code re:...}. One alert per client
 * <b>and list</b> ({@link Blocklists} normalises the list from the reply text), so a host listed
 * on two lists is two findings, each with the list's lookup page. Repeats of an open alert are
 * O(1) ({@link OpenFinding}).
 */
final class BlocklistRejectionRule extends Rule {
    private static final int MAX_SUMMARY_REPLY = 160;

    private final Network net;
    private final BlocklistPatterns patterns;
    private final KeyedLru<Listing> listings;

    BlocklistRejectionRule(DetectSettings s, Network net, FindingSink sink, DetectStats stats) {
        super(RuleId.BLOCKLIST_REJECTION, s, sink, stats);
        this.net = net;
        this.patterns = new BlocklistPatterns(s.blocklistRejection().patterns());
        this.listings = new KeyedLru<>(s.maxTrackedKeys(), this.stats);
    }

    /** One of our hosts on one list. */
    private final class Listing implements OpenFinding.Latest {
        final String key, list, lookup;
        final Sample servers = new Sample();
        OpenFinding alert;
        // the latest refusal, as its finding shows it
        final Sample lastServers = new Sample();
        Connection lastConn;
        long lastTs;
        String lastCommand, lastReply, lastMatched;
        int lastCode;

        Listing(String key, String list) {
            this.key = key;
            this.list = list;
            this.lookup = Blocklists.lookup(list);
        }

        @Override
        public Finding finding() { return describe(this).build(); }
    }

    @Override
    void onEvent(SmtpEvent e) {
        if (!(e instanceof SmtpEvent.Rejection r)) return;
        if (r.code() < 400 || r.code() > 599) return;
        Connection c = r.conn();
        if (!net.outbound(c)) return;
        String matched = patterns.match(r.text());
        if (matched == null) return;
        String list = Blocklists.listOf(r.text());
        String key = list + ":" + c.clientIpText();
        Listing l = listings.getOrCreate(key, k -> new Listing(k, list));
        String server = c.serverIpText() + ":" + c.serverPort();
        l.servers.add(server);
        l.lastConn = c;
        l.lastTs = r.tsMicros();
        l.lastCommand = r.command();
        l.lastCode = r.code();
        l.lastReply = r.code() + " " + (r.text() == null ? "" : r.text());
        l.lastMatched = matched;
        l.lastServers.copyFrom(l.servers);
        if (!repeated(l.alert, l.lastTs, 1, c, l)) l.alert = describe(l).emit();
    }

    private Builder describe(Listing l) {
        Connection c = l.lastConn;
        return finding(l.key, c, l.lastTs)
                .list(l.list)
                .summary(c.serverIpText() + " refused " + c.clientIpText() + " citing a blocklist (" + l.list + "): "
                        + WireText.cap(l.lastReply, MAX_SUMMARY_REPLY))
                .ev("list", l.list)
                .ev("lookup", l.lookup)
                .ev("server", c.serverIpText() + ":" + c.serverPort())
                .ev("command", l.lastCommand)
                .ev("reply_code", l.lastCode)
                .ev("reply_text", l.lastReply)
                .ev("matched", l.lastMatched)
                .ev("sample_servers", l.lastServers.list());
    }

    @Override
    int trackedKeys() { return listings.size(); }
}
