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
    private final AddressPlan net;
    private final List<String> localDomains;
    private final KeyedLru<Sample> servers;

    /** {@code detect.open_relay}, and the {@code network.local_domains} it needs. */
    record Settings(List<String> localDomains) {
        Settings {
            localDomains = List.copyOf(localDomains);
        }
    }

    static final RuleSpec<Settings> SPEC = RuleSpec.of(RuleId.OPEN_RELAY, Severity.CRITICAL,
                    "One of our servers accepts, from an unauthenticated outside client, a recipient outside local_domains.",
                    List.of(), v -> new Settings(v.root().list("network.local_domains")), OpenRelayRule::new)
            .readme("one of our servers answers 2xx to `RCPT TO` for a domain outside `network.local_domains` (subdomains count as local; `<postmaster>` is local) from an outside client that did not authenticate. Silent while `local_domains` is empty; `check-config` warns.",
                    "server IP")
            .warnWhen((s, root) -> s.localDomains().isEmpty()
                    ? "detect.open_relay: network.local_domains is empty, so the rule cannot tell relaying from local delivery and stays silent" : null);

    OpenRelayRule(Settings s, RuleContext ctx) {
        super(RuleId.OPEN_RELAY, ctx);
        this.net = ctx.net();
        this.localDomains = s.localDomains().stream().map(Evidence::hostName).toList();
        this.servers = new KeyedLru<>(ctx.maxTrackedKeys(), this.stats);
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
        String domain = Evidence.domainOf(r.argument());
        if (domain == null || isLocal(domain)) return;
        Sample clients = servers.getOrCreate(c.serverIpText(), k -> new Sample());
        clients.add(c.clientIpText());
        String rcpt = Evidence.bare(r.argument());
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
