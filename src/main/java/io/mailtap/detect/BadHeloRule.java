package io.mailtap.detect;

import io.mailtap.settings.Leaf;
import java.util.List;
import io.mailtap.flow.Connection;
import io.mailtap.smtp.SmtpEvent;
import io.mailtap.text.WireText;

import java.net.InetAddress;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

import static io.mailtap.settings.ValueTypes.*;

/**
 * {@code bad_helo}: an internal host greets an outside server with a HELO/EHLO name that spam
 * blocklists treat as a spambot signature (incident 1: a firewall's nightly report announced
 * itself as {@code 127.0.0.1}). Checked on connections to policy ports (server-to-server SMTP)
 * unless {@code all_ports} is set: on submission ports mail clients legitimately send address
 * literals and bare names.
 *
 * <p>Tests, first failing one reported ({@code which_test}): {@code empty}; {@code loopback}
 * (127.0.0.0/8, ::1, localhost, localhost.localdomain, *.localhost, as a name, a bare address or a
 * literal); {@code bad_address_literal} (brackets around something that is not an address);
 * {@code address_literal_mismatch} (an address literal that is not the client's address);
 * {@code address_literal} (an address literal, even the client's own: not a name); {@code bare_ip}
 * (an address without brackets, which RFC 5321 does not allow); {@code no_dot} (a bare host name);
 * {@code not_public_helo} (a mail server, when {@code network.public_helo} is set, announcing a
 * name not in that list; case-insensitive, trailing dot ignored).
 *
 * <p>One alert per (client, HELO name); the table of keys is capped like every other.
 */
final class BadHeloRule extends Rule {
    private final AddressPlan net;
    private final boolean allPorts;
    private final Set<String> publicHelo = new HashSet<>();
    private final KeyedLru<int[]> keys;

    /** {@code detect.bad_helo}, and the {@code network.public_helo} names it holds mail servers to. */
    record Settings(boolean allPorts, List<String> publicHelo) {
        Settings {
            publicHelo = List.copyOf(publicHelo);
        }
    }

    static final RuleSpec<Settings> SPEC = RuleSpec.of(RuleId.BAD_HELO, Severity.WARNING,
                    "An internal host greets an outside server with a spambot-like HELO/EHLO (IP literal, loopback, bare name, not public_helo).",
                    List.of(Leaf.live("all_ports", bool(), false,
                            "Also check HELOs to non-policy ports (mail clients on submission ports often send address literals).")),
                    v -> new Settings(v.bool("all_ports"), v.root().list("network.public_helo")), BadHeloRule::new)
            .readme("an internal host greets an outside server (policy ports only unless `all_ports`) with a HELO/EHLO that is empty, loopback (`127.0.0.1`, `localhost`, `[127.0.0.1]`, `::1`…), an address literal (one that is not the client's own address is called out), a bare IP, a name without a dot, or, for a mail server when `network.public_helo` is set, a name not in that list. `which_test` names the failed test.",
                    "client IP + HELO")
            .warnWhen((s, root) -> s.publicHelo().isEmpty() && !root.list("network.mail_servers").isEmpty()
                    ? "network.public_helo: empty, so bad_helo does not check that the mail servers announce their public name" : null);

    BadHeloRule(Settings s, RuleContext ctx) {
        super(RuleId.BAD_HELO, ctx);
        this.net = ctx.net();
        this.allPorts = s.allPorts();
        for (String h : s.publicHelo()) publicHelo.add(Evidence.hostName(h));
        this.keys = new KeyedLru<>(ctx.maxTrackedKeys(), this.stats);
    }

    /** Which test failed and why. */
    record Verdict(String test, String detail) {}

    @Override
    void onEvent(SmtpEvent e) {
        if (!(e instanceof SmtpEvent.Helo h)) return;
        Connection c = h.conn();
        if (!net.outbound(c)) return;
        if (!allPorts && !net.policyPort(c.serverPort())) return;
        boolean mailServer = net.mailServer(c.clientIp());
        String arg = h.argument() == null ? "" : h.argument();
        Verdict v = check(arg, c.clientIp(), mailServer ? publicHelo : Set.of());
        if (v == null) return;

        String key = c.clientIpText() + " " + Evidence.key(arg);
        int[] seen = keys.getOrCreate(key, k -> new int[1]);
        seen[0]++;
        String verb = h.verb() == null ? "HELO" : h.verb().toUpperCase(Locale.ROOT);
        finding(key, c, h.tsMicros())
                .summary(c.clientIpText() + " announced itself as \"" + WireText.cap(arg, 80) + "\" in " + verb
                        + " to " + c.serverIpText() + ":" + c.serverPort() + ": " + v.detail())
                .ev("helo", arg)
                .ev("verb", verb)
                .ev("which_test", v.test())
                .ev("detail", v.detail())
                .ev("mail_server", mailServer)
                .ev("server", c.serverIpText() + ":" + c.serverPort())
                .ev("reply_code", h.replyCode())
                .ev("sessions", seen[0])
                .emit();
    }

    /**
     * The first failing test for HELO argument {@code arg} from {@code client}, or null if it passes.
     * {@code requiredNames} is non-empty only for a mail server with {@code public_helo} set.
     */
    static Verdict check(String arg, InetAddress client, Set<String> requiredNames) {
        String a = arg.trim();
        if (a.isEmpty()) return new Verdict("empty", "no name given");
        String name = Evidence.hostName(a);
        if (name.equals("localhost") || name.equals("localhost.localdomain") || name.endsWith(".localhost")) {
            return new Verdict("loopback", "a loopback name");
        }
        if (a.startsWith("[") && a.endsWith("]") && a.length() >= 2) {
            String inner = a.substring(1, a.length() - 1).trim();
            if (inner.regionMatches(true, 0, "IPv6:", 0, 5)) inner = inner.substring(5);
            InetAddress lit = InetLiteral.parse(inner);
            if (lit == null) return new Verdict("bad_address_literal", "brackets around something that is not an address");
            if (lit.isLoopbackAddress()) return new Verdict("loopback", "a loopback address literal");
            if (!lit.equals(client)) {
                return new Verdict("address_literal_mismatch", "address literal " + lit.getHostAddress()
                        + " is not the client's address " + client.getHostAddress());
            }
            return new Verdict("address_literal", "an address literal instead of a host name");
        }
        InetAddress bare = InetLiteral.parse(a);
        if (bare != null) {
            if (bare.isLoopbackAddress()) return new Verdict("loopback", "a loopback address");
            return new Verdict("bare_ip", "a bare IP address instead of a host name"
                    + (bare.equals(client) ? "" : " (and not the client's address " + client.getHostAddress() + ")"));
        }
        if (name.indexOf('.') < 0) return new Verdict("no_dot", "a bare host name without a domain");
        if (!requiredNames.isEmpty() && !requiredNames.contains(name)) {
            return new Verdict("not_public_helo", "a mail server announcing a name not in network.public_helo");
        }
        return null;
    }

    @Override
    int trackedKeys() { return keys.size(); }
}
