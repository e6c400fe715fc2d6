package io.mailtap.detect;

import io.mailtap.flow.Connection;
import io.mailtap.smtp.SmtpEvent;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code auth_account_burst}: one AUTH account, within the window, sends more than
 * {@code max_messages} messages (MAIL FROM commands in authenticated sessions), or to more than
 * {@code max_recipient_domains} distinct recipient domains, or logs in / sends from more than
 * {@code max_client_hosts} distinct client hosts. The finding says which limit(s) fired.
 * Distinct values are held as hashes, at most limit+1 per key.
 */
final class AuthAccountBurstRule extends Rule {
    private final DetectSettings.AuthAccountBurst cfg;
    private final KeyedLru<Account> accounts;

    AuthAccountBurstRule(DetectSettings s, FindingSink sink, DetectStats stats) {
        super(RuleId.AUTH_ACCOUNT_BURST, s, sink, stats);
        this.cfg = s.authAccountBurst();
        this.accounts = new KeyedLru<>(s.maxTrackedKeys(), this.stats);
    }

    private final class Account {
        final WindowCounts messages = new WindowCounts(cfg.windowMicros(), 1);
        final DistinctWindow domains = new DistinctWindow(cfg.windowMicros(), cfg.maxRecipientDomains() + 1);
        final DistinctWindow hosts = new DistinctWindow(cfg.windowMicros(), cfg.maxClientHosts() + 1);
        final Sample sampleDomains = new Sample();
        final Sample sampleHosts = new Sample();
    }

    @Override
    void onEvent(SmtpEvent e) {
        String user;
        if (e instanceof SmtpEvent.MailFrom m) user = m.authUser();
        else if (e instanceof SmtpEvent.Rcpt r) user = r.authUser();
        else if (e instanceof SmtpEvent.Auth a && a.result() == SmtpEvent.AuthResult.SUCCESS) user = a.user();
        else return;
        if (user == null || user.isEmpty()) return;
        Connection c = e.conn();
        long ts = e.tsMicros();
        Account acc = accounts.getOrCreate(Text.key(user), k -> new Account());
        String client = c.clientIpText();

        if (e instanceof SmtpEvent.Rcpt r) {
            String domain = Text.domainOf(r.argument());
            if (domain == null) return;
            acc.domains.add(Text.hash64(domain), ts);
            acc.sampleDomains.add(domain);
        } else {
            if (e instanceof SmtpEvent.MailFrom) acc.messages.add(ts, 0, 1);
            acc.hosts.add(Text.hash64(client), ts);
            acc.sampleHosts.add(client);
        }

        long messages = acc.messages.sum(ts, 0);
        int domains = acc.domains.count(ts);
        int hosts = acc.hosts.count(ts);
        List<String> fired = new ArrayList<>(3);
        List<String> why = new ArrayList<>(3);
        if (messages > cfg.maxMessages()) {
            fired.add("messages");
            why.add(messages + " messages (limit " + cfg.maxMessages() + ")");
        }
        if (domains > cfg.maxRecipientDomains()) {
            fired.add("recipient_domains");
            why.add("more than " + cfg.maxRecipientDomains() + " distinct recipient domains");
        }
        if (hosts > cfg.maxClientHosts()) {
            fired.add("client_hosts");
            why.add("more than " + cfg.maxClientHosts() + " distinct client hosts");
        }
        if (fired.isEmpty()) return;
        String account = Text.key(user);
        finding("account:" + account, c, ts)
                .window(cfg.windowMicros(), messages)
                .account(user)
                .summary("account " + account + " exceeded " + String.join(" and ", fired) + ": "
                        + String.join(", ", why) + " in " + Text.span(cfg.windowMicros())
                        + ", latest from " + client)
                .ev("which_limit", String.join(",", fired))
                .ev("messages", messages)
                .ev("max_messages", cfg.maxMessages())
                .ev("recipient_domains", domains)
                .ev("max_recipient_domains", cfg.maxRecipientDomains())
                .ev("client_hosts", hosts)
                .ev("max_client_hosts", cfg.maxClientHosts())
                .ev("sample_domains", acc.sampleDomains.list())
                .ev("sample_clients", acc.sampleHosts.list())
                .emit();
    }

    @Override
    int trackedKeys() { return accounts.size(); }
}
