package io.mailtap.detect;

import java.util.List;
import io.mailtap.flow.ClientBy;
import io.mailtap.flow.ConnState;
import io.mailtap.flow.Connection;
import io.mailtap.smtp.SmtpEvent;


/**
 * {@code egress_policy}: an internal host that is not a mail server opens TCP to an outside host
 * on a policy port (25 by default). Direction is the SYN's (who opened the connection), never the
 * port numbers: a mail server's outbound mail from an ephemeral port is fine, an inbound connection
 * to our server is not egress.
 *
 * <p>One alert per client host. It opens at the first SYN ("attempted"; refused or unanswered
 * connections stay there) and is upgraded to "established" when the handshake completes (or the
 * server greets) and to "smtp" once the client speaks SMTP, so a workstation whose SYNs are dropped
 * by the firewall is reported as well as one that gets through. Each upgrade is notified at once;
 * the HELO, MAIL FROM and AUTH user of the connection are evidence. Count = connections. A
 * connection picked up mid-stream (direction decided by port) counts too, and says so.
 */
final class EgressPolicyRule extends Rule {
    static final String ATTEMPTED = "attempted", ESTABLISHED = "established", SMTP = "smtp";
    /**
     * State ranks; the alert keeps the highest and is re-notified at once when it rises. "smtp"
     * has two: the client spoke SMTP (its HELO is in evidence), and it sent a MAIL FROM.
     */
    static final int R_ATTEMPTED = 1, R_ESTABLISHED = 2, R_SMTP = 3, R_MAIL = 4;
    private static final int MAX_DESTINATIONS_COUNTED = 100;

    private final AddressPlan net;
    /** Connections being watched (uid → what we know so far). */
    private final KeyedLru<Conn> conns;
    /** Per client host: where it went. */
    private final KeyedLru<Host> hosts;

    /** {@code detect.egress_policy}: nothing of its own; the address plan and policy ports say it all. */
    record Settings() {}

    static final RuleSpec<Settings> SPEC = RuleSpec.of(RuleId.EGRESS_POLICY, Severity.CRITICAL,
                    "An internal host that is not a mail server connects to an outside host on a policy port (direction by SYN).",
                    List.of(), v -> new Settings(), EgressPolicyRule::new)
            .readme("an internal host **not** in `network.mail_servers` opens TCP to an outside host on a `smtp.policy_ports` port. The alert opens at the first SYN with state `attempted` (SYN only, or refused by RST), moves to `established` (handshake or greeting) and then `smtp` (the client spoke SMTP). Each upgrade is notified at once. Evidence: HELO, MAIL FROM, AUTH user, sampled destinations, distinct destinations. A connection picked up mid-stream counts and says so.",
                    "client IP")
            .warnWhen((s, root) -> root.list("network.mail_servers").isEmpty()
                    ? "network.mail_servers: empty, so every internal host sending SMTP out on a policy port raises egress_policy" : null);

    EgressPolicyRule(Settings s, RuleContext ctx) {
        super(RuleId.EGRESS_POLICY, ctx);
        this.net = ctx.net();
        this.conns = new KeyedLru<>(ctx.maxTrackedKeys(), this.stats);
        this.hosts = new KeyedLru<>(ctx.maxTrackedKeys(), this.stats);
    }

    private static final class Conn {
        int rank;
        String helo, mailFrom, authUser, tcp;
    }

    private static final class Host {
        final Sample destinations = new Sample();
        /** Hashes of the distinct destinations, up to {@link #MAX_DESTINATIONS_COUNTED} (no boxing). */
        long[] distinct = new long[4]; // most hosts go to few places: grown by doubling up to the cap
        int distinctCount;
        boolean distinctCapped;

        /** Counts {@code hash} once; past the cap a new one only marks the count as capped. */
        void destination(long hash) {
            for (int i = 0; i < distinctCount; i++) if (distinct[i] == hash) return;
            if (distinctCount == MAX_DESTINATIONS_COUNTED) {
                distinctCapped = true;
                return;
            }
            if (distinctCount == distinct.length) {
                distinct = java.util.Arrays.copyOf(distinct, Math.min(MAX_DESTINATIONS_COUNTED, 2 * distinct.length));
            }
            distinct[distinctCount++] = hash;
        }
    }

    boolean applies(Connection c) {
        return net.policyPort(c.serverPort())
                && net.internal(c.clientIp())
                && !net.mailServer(c.clientIp())
                && !net.internal(c.serverIp());
    }

    @Override
    void onEvent(SmtpEvent e) {
        Connection c = e.conn();
        if (!applies(c)) return;
        Conn conn = conns.get(c.uid());
        boolean isNew = conn == null;
        if (isNew) {
            if (e instanceof SmtpEvent.Anomaly) return;
            conn = conns.getOrCreate(c.uid(), k -> new Conn());
        }
        int before = conn.rank;
        boolean news = isNew;
        boolean gaps = false;
        String tcp = conn.tcp;

        if (e instanceof SmtpEvent.ConnectionAttempt) {
            conn.rank = Math.max(conn.rank, R_ATTEMPTED);
            if (tcp == null) tcp = "syn";
        } else if (e instanceof SmtpEvent.ConnectionEstablished) {
            conn.rank = Math.max(conn.rank, R_ESTABLISHED);
            tcp = "established";
        } else if (e instanceof SmtpEvent.ConnectionEnd end) {
            gaps = end.gaps();
            if (end.smtpSeen()) conn.rank = Math.max(conn.rank, R_SMTP);
            if (end.finalState() == ConnState.ATTEMPTED) {
                conn.rank = Math.max(conn.rank, R_ATTEMPTED);
                tcp = "no answer";
            } else if (end.finalState() == ConnState.REJECTED) {
                conn.rank = Math.max(conn.rank, R_ATTEMPTED);
                tcp = "refused (RST)";
            } else {
                conn.rank = Math.max(conn.rank, R_ESTABLISHED);
                if (tcp == null || tcp.equals("syn")) tcp = "established";
            }
            conns.remove(c.uid());
            news |= !tcp.equals(conn.tcp);
        } else if (e instanceof SmtpEvent.Anomaly) {
            return;
        } else {
            if (e instanceof SmtpEvent.Greeting
                    || (e instanceof SmtpEvent.Rejection rej && "GREETING".equals(rej.command()))) {
                conn.rank = Math.max(conn.rank, R_ESTABLISHED); // the server spoke; the client not yet
            } else if (e instanceof SmtpEvent.MailFrom m) {
                conn.rank = Math.max(conn.rank, R_MAIL);
                if (conn.mailFrom == null) {
                    conn.mailFrom = m.argument();
                    news = true;
                }
                if (conn.authUser == null && m.authUser() != null) conn.authUser = m.authUser();
                if (conn.helo == null && m.helo() != null) conn.helo = m.helo();
            } else {
                conn.rank = Math.max(conn.rank, R_SMTP);
                if (e instanceof SmtpEvent.Helo h && conn.helo == null) {
                    conn.helo = h.argument();
                    news = true;
                } else if (e instanceof SmtpEvent.Auth a && conn.authUser == null && a.user() != null) {
                    conn.authUser = a.user();
                    news = true;
                } else if (e instanceof SmtpEvent.Transaction t) {
                    gaps = t.record().gaps();
                }
            }
            if (tcp == null || tcp.equals("syn")) tcp = "established";
        }
        conn.tcp = tcp;
        if (!news && conn.rank == before && !gaps) return;

        Host host = hosts.getOrCreate(c.clientIpText(), k -> new Host());
        String dest = dest(c);
        if (isNew) {
            host.destinations.add(dest);
            host.destination(Evidence.hash64(dest));
        }

        String state = conn.rank >= R_SMTP ? SMTP : conn.rank == R_ESTABLISHED ? ESTABLISHED : ATTEMPTED;
        Builder f = finding(c.clientIpText(), c, e.tsMicros())
                .state(state, conn.rank)
                .count(isNew ? 1 : 0)
                .account(conn.authUser)
                .gaps(gaps)
                .summary(summary(c, state, tcp))
                .ev("server", dest)
                .ev("tcp", tcp)
                .ev("helo", conn.helo)
                .ev("mail_from", conn.mailFrom)
                .ev("auth_user", conn.authUser)
                .ev("destinations", host.destinations.list())
                .ev("distinct_destinations", host.distinctCapped
                        ? MAX_DESTINATIONS_COUNTED + "+" : (Object) host.distinctCount);
        if (c.clientBy() == ClientBy.PORT) {
            f.ev("direction", "by port: the connection was picked up mid-stream, its SYN was not seen");
        }
        if (c.vlan() != 0) f.ev("vlan", c.vlan());
        f.emit();
    }

    private static String dest(Connection c) {
        return (c.ipVersion() == 6 ? "[" + c.serverIpText() + "]" : c.serverIpText()) + ":" + c.serverPort();
    }

    private static String summary(Connection c, String state, String tcp) {
        String who = c.clientIpText(), to = dest(c);
        return switch (state) {
            case SMTP -> who + " sent SMTP to " + to + " but is not a mail server";
            case ESTABLISHED -> who + " opened a connection to " + to + " but is not a mail server (no SMTP seen yet)";
            default -> who + " tried to connect to " + to + " but is not a mail server ("
                    + switch (tcp) {
                        case "refused (RST)" -> "refused by the remote";
                        case "no answer" -> "no answer seen";
                        default -> "SYN seen";
                    } + ")";
        };
    }

    @Override
    int trackedKeys() { return conns.size() + hosts.size(); }
}
