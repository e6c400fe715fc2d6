package io.mailtap.detect;

import io.mailtap.settings.Leaf;
import java.util.List;
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

    private final AddressPlan net;
    private final BlocklistPatterns patterns;
    private final KeyedLru<Listing> listings;

    static final List<String> DEFAULT_PATTERNS = List.of(
            "spamhaus", "cbl.abuseat.org", "abuseat", "spamcop", "barracuda", "sorbs", "uceprotect",
            "blocked using", "listed at", "listed on", "re:\\brbls?\\b", "dnsbl", "blacklist", "blocklist",
            "block list");

    /** {@code detect.blocklist_rejection}: case-insensitive substrings, or Java regexes when prefixed with {@code re:}. */
    record Settings(List<String> patterns) {
        Settings {
            patterns = List.copyOf(patterns);
        }
    }

    static final RuleSpec<Settings> SPEC = RuleSpec.of(RuleId.BLOCKLIST_REJECTION, Severity.CRITICAL,
            "An outside server refuses one of our hosts citing a blocklist.",
            List.of(Leaf.live("patterns", DetectTypes.patterns(), DEFAULT_PATTERNS,
                    "Case-insensitive substrings of the reply text, or re:<Java regex>.")),
            v -> new Settings(v.list("patterns")), BlocklistRejectionRule::new)
            .readme("an outside server refuses one of our hosts (4xx/5xx to any command or the greeting) with text matching `patterns` (case-insensitive substrings, or `re:<Java regex>`): spamhaus, cbl.abuseat.org, spamcop, barracuda, \"blocked using\", \"listed at\", RBL, DNSBL, blacklist/blocklist… Every list that cites a host is its own alert: the list is normalised from the reply text (multi-line replies are joined) — `zen.spamhaus.org` (also sbl/xbl/pbl/sbl-xbl), `cbl.abuseat.org`, `b.barracudacentral.org`, `bl.spamcop.net`, `dnsbl.sorbs.net`, `dnsbl-1.uceprotect.net`, `psbl.surriel.com`, `ix.dnsbl.manitu.net`, `dnsbl.dronebl.org`, `bl.mailspike.net` (declared once in `detect/Blocklists.java` with each list's lookup/delisting page), else the zone the reply cites (\"listed at bl.example.net\"), else `unknown` — and is the alert's `list` field and Alertmanager label. Reports client, server, reply text (capped), `list` and `lookup` (the list's lookup page).",
                    "`LIST:client IP`");

    BlocklistRejectionRule(Settings s, RuleContext ctx) {
        super(RuleId.BLOCKLIST_REJECTION, ctx);
        this.net = ctx.net();
        this.patterns = new BlocklistPatterns(s.patterns());
        this.listings = new KeyedLru<>(ctx.maxTrackedKeys(), this.stats);
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
