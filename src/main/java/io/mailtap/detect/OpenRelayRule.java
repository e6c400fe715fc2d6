package io.mailtap.detect;

import io.mailtap.flow.Connection;
import io.mailtap.smtp.SmtpEvent;
import io.mailtap.text.WireText;

import java.util.List;

/**
 * {@code open_relay}: one of our servers answers 2xx to a RCPT TO for a domain outside
 * {@code network.local_domains} (nor a subdomain of one), from an outside client that has not
 * authenticated. Without local domains it cannot tell relaying from delivery, so it stays silent
 * (check-config warns). One alert per server. Recipients without a domain
 * ({@code <postmaster>}) are local.
 */
final class OpenRelayRule extends Rule {
    private final Network net;
    private final List<String> localDomains;
    private final KeyedLru<Sample> servers;

    OpenRelayRule(DetectSettings s, Network net, FindingSink sink, DetectStats stats) {
        super(RuleId.OPEN_RELAY, s, sink, stats);
        this.net = net;
        this.localDomains = s.localDomains().stream().map(Text::hostName).toList();
        this.servers = new KeyedLru<>(s.maxTrackedKeys(), this.stats);
    }

    boolean isLocal(String domain) {
        for (String d : localDomains) {
            if (domain.equals(d) || (domain.endsWith(d) && domain.charAt(domain.length() - d.length() - 1) == '.')) {
                return true;
            }
        }
        return false;
    }

    @Override
    void onEvent(SmtpEvent e) {
        if (localDomains.isEmpty()) return;
        if (!(e instanceof SmtpEvent.Rcpt r)) return;
        if (r.replyCode() < 200 || r.replyCode() > 299) return;
        if (r.authUser() != null) return;
        Connection c = r.conn();
        if (!net.inbound(c)) return;
        String domain = Text.domainOf(r.argument());
        if (domain == null || isLocal(domain)) return;
        Sample clients = servers.getOrCreate(c.serverIpText(), k -> new Sample());
        clients.add(c.clientIpText());
        String rcpt = Text.bare(r.argument());
        finding(c.serverIpText(), c, r.tsMicros())
                .summary(c.serverIpText() + " accepted RCPT TO:<" + WireText.cap(rcpt, 100) + "> from unauthenticated "
                        + c.clientIpText() + " (" + WireText.cap(domain, 80) + " is not a local domain)")
                .ev("rcpt", rcpt)
                .ev("domain", domain)
                .ev("mail_from", r.mailFrom())
                .ev("helo", r.helo())
                .ev("reply_code", r.replyCode())
                .ev("tls", r.tls())
                .ev("sample_clients", clients.list())
                .emit();
    }

    @Override
    int trackedKeys() { return servers.size(); }
}
