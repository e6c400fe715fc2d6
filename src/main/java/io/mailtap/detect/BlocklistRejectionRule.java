package io.mailtap.detect;

import io.mailtap.flow.Connection;
import io.mailtap.smtp.SmtpEvent;

/**
 * {@code blocklist_rejection}: an outside server refuses one of our hosts (any 4xx/5xx, to any
 * command or the greeting) citing a blocklist: the site is listed now. Patterns are
 * case-insensitive substrings, or Java regexes when written {@code re:...}. One alert per client.
 */
final class BlocklistRejectionRule extends Rule {
    private static final int MAX_SUMMARY_REPLY = 160;

    private final Network net;
    private final BlocklistPatterns patterns;
    private final KeyedLru<Sample> servers;

    BlocklistRejectionRule(DetectSettings s, Network net, FindingSink sink, DetectStats stats) {
        super(RuleId.BLOCKLIST_REJECTION, s, sink, stats);
        this.net = net;
        this.patterns = new BlocklistPatterns(s.blocklistRejection().patterns());
        this.servers = new KeyedLru<>(s.maxTrackedKeys(), this.stats);
    }

    @Override
    void onEvent(SmtpEvent e) {
        if (!(e instanceof SmtpEvent.Rejection r)) return;
        if (r.code() < 400 || r.code() > 599) return;
        Connection c = r.conn();
        if (!net.outbound(c)) return;
        String matched = patterns.match(r.text());
        if (matched == null) return;
        String server = c.serverIpText() + ":" + c.serverPort();
        Sample sample = servers.getOrCreate(c.clientIpText(), k -> new Sample());
        sample.add(server);
        String reply = r.code() + " " + (r.text() == null ? "" : r.text());
        finding(c.clientIpText(), c, r.tsMicros())
                .summary(c.serverIpText() + " refused " + c.clientIpText() + " citing a blocklist: "
                        + Text.cap(reply, MAX_SUMMARY_REPLY))
                .ev("server", server)
                .ev("command", r.command())
                .ev("reply_code", r.code())
                .ev("reply_text", reply)
                .ev("matched", matched)
                .ev("sample_servers", sample.list())
                .emit();
    }

    @Override
    int trackedKeys() { return servers.size(); }
}
