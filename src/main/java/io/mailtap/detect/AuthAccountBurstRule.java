package io.mailtap.detect;

import io.mailtap.settings.Leaf;
import io.mailtap.settings.Units;
import io.mailtap.flow.Connection;
import io.mailtap.smtp.SmtpEvent;

import java.util.ArrayList;
import java.util.List;

import static io.mailtap.settings.ValueTypes.*;

/**
 * {@code auth_account_burst}: one AUTH account, within the window, sends more than
 * {@code max_messages} messages (MAIL FROM commands in authenticated sessions), or to more than
 * {@code max_recipient_domains} distinct recipient domains, or logs in / sends from more than
 * {@code max_client_hosts} distinct client hosts. The finding says which limit(s) fired.
 * Distinct values are held as hashes, at most limit+1 per key. Once the alert is open, each
 * further match is a repeat on its handle: O(1) plus the bounded window updates, however many
 * RCPTs an authenticated session pipelines.
 */
final class AuthAccountBurstRule extends Rule {
    private static final int MESSAGES = 1, DOMAINS = 2, HOSTS = 4;

    private final Settings cfg;
    private final KeyedLru<Account> accounts;

    /** {@code detect.auth_account_burst}: more than one of the limits per account in the window. */
    record Settings(long windowMicros, int maxMessages, int maxRecipientDomains, int maxClientHosts) {
        Settings {
            if (windowMicros <= 0 || maxMessages <= 0 || maxRecipientDomains <= 0 || maxClientHosts <= 0) {
                throw new IllegalArgumentException("window and limits must be > 0");
            }
        }
    }

    static final RuleSpec<Settings> SPEC = RuleSpec.of(RuleId.AUTH_ACCOUNT_BURST, Severity.WARNING,
            "One AUTH account exceeds a sending limit within window.",
            List.of(Leaf.live("window", duration(false), Units.parseDuration("1h"), "Sliding window (packet time)."),
                    Leaf.live("max_messages", integer(1, 10_000_000), 200, "Messages (MAIL FROMs) allowed per account in the window."),
                    Leaf.live("max_recipient_domains", integer(1, 100_000), 50, "Distinct recipient domains allowed per account in the window."),
                    Leaf.live("max_client_hosts", integer(1, 100_000), 5, "Distinct client hosts an account may log in or send from in the window.")),
            v -> new Settings(v.micros("window"), v.integer("max_messages"), v.integer("max_recipient_domains"),
                    v.integer("max_client_hosts")),
            AuthAccountBurstRule::new)
            .readme("within `window` (1h) one AUTH account sends more than `max_messages` (200) messages, or to more than `max_recipient_domains` (50) distinct domains, or logs in/sends from more than `max_client_hosts` (5) hosts. `which_limit` names the limit(s).",
                    "`account:USER`");

    AuthAccountBurstRule(Settings s, RuleContext ctx) {
        super(RuleId.AUTH_ACCOUNT_BURST, ctx);
        this.cfg = s;
        this.accounts = new KeyedLru<>(ctx.maxTrackedKeys(), this.stats);
    }

    private final class Account implements OpenFinding.Latest {
        final String account;
        final String alertKey;
        final WindowCounts messages = new WindowCounts(cfg.windowMicros(), 1);
        final DistinctWindow domains = new DistinctWindow(cfg.windowMicros(), cfg.maxRecipientDomains() + 1);
        final DistinctWindow hosts = new DistinctWindow(cfg.windowMicros(), cfg.maxClientHosts() + 1);
        final Sample sampleDomains = new Sample();
        final Sample sampleHosts = new Sample();
        OpenFinding alert;
        // the latest match, as its finding shows it
        final Sample lastDomains = new Sample();
        final Sample lastHosts = new Sample();
        Connection lastConn;
        String lastUser;
        long lastTs, lastMessages;
        int lastDomainCount, lastHostCount, lastFired;

        Account(String account) {
            this.account = account;
            this.alertKey = "account:" + account;
        }

        @Override
        public Finding finding() { return describe(this).build(); }
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
        Account acc = accounts.getOrCreate(Evidence.key(user), Account::new);
        String client = c.clientIpText();

        if (e instanceof SmtpEvent.Rcpt r) {
            // hashed and compared where it lies in the argument: a String only for a new sample entry
            String arg = r.argument();
            long domain = Evidence.domainRegion(arg);
            if (domain == Evidence.NONE) return;
            acc.domains.add(Evidence.domainHash(arg, domain), ts);
            acc.sampleDomains.addRegion(arg, domain, true);
        } else {
            if (e instanceof SmtpEvent.MailFrom) acc.messages.add(ts, 0, 1);
            acc.hosts.add(Evidence.hash64(client), ts);
            acc.sampleHosts.add(client);
        }

        long messages = acc.messages.sum(ts, 0);
        int domains = acc.domains.count(ts);
        int hosts = acc.hosts.count(ts);
        int fired = (messages > cfg.maxMessages() ? MESSAGES : 0)
                | (domains > cfg.maxRecipientDomains() ? DOMAINS : 0)
                | (hosts > cfg.maxClientHosts() ? HOSTS : 0);
        if (fired == 0) return;
        acc.lastConn = c;
        acc.lastUser = user;
        acc.lastTs = ts;
        acc.lastMessages = messages;
        acc.lastDomainCount = domains;
        acc.lastHostCount = hosts;
        acc.lastFired = fired;
        acc.lastDomains.copyFrom(acc.sampleDomains);
        acc.lastHosts.copyFrom(acc.sampleHosts);
        if (!repeated(acc.alert, ts, messages, c, acc)) acc.alert = describe(acc).emit();
    }

    /** The finding of {@code acc}'s latest match. */
    private Builder describe(Account acc) {
        List<String> names = new ArrayList<>(3);
        List<String> why = new ArrayList<>(3);
        if ((acc.lastFired & MESSAGES) != 0) {
            names.add("messages");
            why.add(acc.lastMessages + " messages (limit " + cfg.maxMessages() + ")");
        }
        if ((acc.lastFired & DOMAINS) != 0) {
            names.add("recipient_domains");
            why.add("more than " + cfg.maxRecipientDomains() + " distinct recipient domains");
        }
        if ((acc.lastFired & HOSTS) != 0) {
            names.add("client_hosts");
            why.add("more than " + cfg.maxClientHosts() + " distinct client hosts");
        }
        return finding(acc.alertKey, acc.lastConn, acc.lastTs)
                .window(cfg.windowMicros(), acc.lastMessages)
                .account(acc.lastUser)
                .summary("account " + acc.account + " exceeded " + String.join(" and ", names) + ": "
                        + String.join(", ", why) + " in " + Evidence.span(cfg.windowMicros())
                        + ", latest from " + acc.lastConn.clientIpText())
                .ev("which_limit", String.join(",", names))
                .ev("messages", acc.lastMessages)
                .ev("max_messages", cfg.maxMessages())
                .ev("recipient_domains", acc.lastDomainCount)
                .ev("max_recipient_domains", cfg.maxRecipientDomains())
                .ev("client_hosts", acc.lastHostCount)
                .ev("max_client_hosts", cfg.maxClientHosts())
                .ev("sample_domains", acc.lastDomains.list())
                .ev("sample_clients", acc.lastHosts.list());
    }

    @Override
    int trackedKeys() { return accounts.size(); }
}
