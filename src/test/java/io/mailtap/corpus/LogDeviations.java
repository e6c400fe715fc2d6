package io.mailtap.corpus;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static io.mailtap.corpus.LogLine.tx;

/**
 * Sessions whose {@code smtp.jsonl} lines cannot be derived from tshark's truth by
 * {@link TruthLines}, each with the reason and the value the wire carries. Every wire value was read
 * with {@code tshark -q -z follow,tcp,ascii,N} (server replies also from the frames'
 * payloads where tshark's follow view shows the wrong copy).
 *
 * <p>Two kinds of entry:
 * <ul>
 * <li>{@link #wire}: tshark is wrong or blind; the entry turns the truth's lines into the wire's.</li>
 * <li>{@link #pending}: the log differs from the wire today because of an open defect of issue 8
 *     (its item number). The expectation stays the wire value; the entry says how today's log
 *     differs from it. The test accepts exactly the wire or today's value (per pending item, so
 *     fixes may land one at a time) and fails on anything else; once the log equals the wire the
 *     session is reported as fixed and the entry is to be deleted.</li>
 * </ul>
 */
final class LogDeviations {
    /** tshark is wrong or blind: how the truth's lines become the wire's. */
    record Wire(String file, int clientPort, String reason, Consumer<LogLine.Lines> toWire) {}

    /** Today's log differs from the wire until issue 8 item {@code item} is fixed. */
    record Pending(String item, String file, int clientPort, String reason, String wireValue,
                   Consumer<LogLine.Lines> wireToToday) {}

    /** A wire value the truth has no column for (e.g. {@code gaps}); does not make tshark wrong. */
    record Fact(String file, int clientPort, String reason, Consumer<LogLine.Lines> toWire) {}

    private static final List<Wire> WIRE = new ArrayList<>();
    private static final List<Fact> FACTS = new ArrayList<>();
    private static final List<Pending> PENDING = new ArrayList<>();

    static {
        // ---------------------------------------------------------------- tshark wrong or blind
        wire("arkime/smtp-moloch-bof.pcap", 50328,
                "early talker: HELO/MAIL/RCPT/DATA sent before the greeting; tshark shows DATA fragments "
                        + "(replies 250/250/250/354/250 follow the greeting)",
                l -> l.replace(tx("ADCDTEST", "<ibmuser@zpdt.example.com>").rcpt("<mattenuttall@example.com>", 250)));
        wire("arkime/smtp-subject-windows.pcap", 40531,
                "early talker: EHLO/MAIL/RCPT/DATA sent before the 4-line greeting (replies 250/250/250/354/250)",
                l -> l.replace(tx("xxxxxx.xxxxxx.xxx.com", "<xxxxx@xxx.net>").rcpt("<xxxxx@xxx.net>", 250)));
        wire("arkime/smtp-subject-multi-nospace.pcap", 58802,
                "client-only capture, the whole dialogue in one segment before any greeting; tshark decodes "
                        + "nothing; no reply was captured, so nothing is counted accepted",
                l -> l.replace(tx("xxxxxx.xxxxxx.xxx.com", "<xxxxx@xxx.net>").rcpt("<xxxxx@xxx.net>", 0)));
        for (String f : List.of("bruteshark/smtp-auth-cram-md5.pcap", "bruteshark/pcapng-examples/smtp-auth-cram-md5.pcapng")) {
            wire(f, 38899,
                    "CRAM-MD5: tshark does not decode the user; the response line "
                            + "'dXNlcm5hbWUgMDZkMGEz...' is base64 of 'username 06d0a325...' (user, digest)",
                    l -> l.line(0).set("auth_user", "username"));
        }
        wire("pcapplusplus/Smtp.pcap", 1470,
                "frames 7-8 are hand-made test packets reusing the 4-tuple 14 years after the rest; mailtap's "
                        + "idle timeout ends the first connection and logs them as a second one carrying "
                        + "'EHLO Test Option' (no reply); tshark calls them retransmissions",
                l -> l.add(LogLine.empty().set("helo", "Test Option")));
        wire("suricata-verify/firewall/ruletype-firewall-133-smtp-out-of-order-commands/smtp-out-of-order.pcap", 44526,
                "'data' refused 503 before any MAIL; tshark reads the following 'mail from:<alice@example.com>' "
                        + "(250) and 'rcpt to:<bob@example.com>' (250) as message text. The first 'rcpt to' (503 need "
                        + "MAIL) belongs to no transaction",
                l -> l.replace(tx("client.example.com", "<alice@example.com>").rcpt("<bob@example.com>", 250)));
        wire("suricata-verify/smtp-ehlo-reset-after-rejected-data/input.pcap", 45264,
                "'data' refused 503; tshark misses the following EHLO (250), 'mail from:<bob@example.com>' (250) "
                        + "and 'rcpt to:<alice@example.com>' (250)",
                l -> l.replace(tx("client.example.com", "<bob@example.com>").rcpt("<alice@example.com>", 250)));
        wire("suricata-verify/smtp-bdat-bad-tail-next-mail/input.pcap", 47968,
                "after the 521 for 'BDAT 5 X' (server closes) the client pipelines 'BDAT 221 LAST' + chunk + "
                        + "'mail from:<bob@example.com>' + 'rcpt to:<alice@example.com>': a second transaction "
                        + "without replies; tshark shows a DATA fragment",
                l -> l.add(tx("client.example.com", "<bob@example.com>").rcpt("<alice@example.com>", 0)));
        wire("suricata-verify/smtp-bdat-bad-tail-reply-queue/input.pcap", 41414,
                "'BDAT 5 X', MAIL, RCPT and DATA pipelined in one segment (replies 501, 250, 250, 354, 250); "
                        + "tshark decodes only the EHLO",
                l -> l.replace(tx("client.example.com", "<alice@example.com>").rcpt("<bob@example.com>", 250)));
        wire("suricata-verify/smtp-bdat-pipelined-next-mail/input.pcap", 35826,
                "'BDAT 64' + chunk pipelined with the next 'mail from:<bob@example.com>' / 'rcpt to:<alice@example.com>' "
                        + "(250, 250); tshark misses the second MAIL/RCPT",
                l -> l.add(tx("client.example.com", "<bob@example.com>").rcpt("<alice@example.com>", 250)));
        wire("suricata-verify/smtp-pipelining/input.pcap", 50287,
                "MAIL/RCPT/DATA and the message pipelined in one segment (replies 250, 250, 354, 250); tshark "
                        + "shows it as message data",
                l -> l.replace(tx("ehlo.fr", "<username@domain.com>").rcpt("<john.doe@example.com>", 250)));
        wire("zeek/smtp/smtp-bdat-pipeline-8bitmime.pcap", 56074,
                "two MAIL/RCPT/BDAT LAST transactions pipelined with CHUNKING (each MAIL 250, RCPT 250 Accepted); "
                        + "tshark shows DATA fragments",
                l -> l.replace(
                        tx("vger.kernel.org", "<linux-kernel-owner@vger.kernel.org>").rcpt("<trafficwatcher@foundit.scootmail.com>", 250),
                        tx("vger.kernel.org", "<linux-kernel-owner@vger.kernel.org>").rcpt("<trafficwatcher@foundit.scootmail.com>", 250)));
        wire("zeek/http/connect-with-smtp.pcap", 3378,
                "SMTP inside an HTTP CONNECT tunnel on tcp/8240: 'HELO 208.191.73.21' (250 Ok.) was captured "
                        + "only as a TCP retransmission (frame 11), which tshark does not hand to SMTP",
                l -> l.line(0).set("helo", "208.191.73.21"));
        for (String f : List.of("suricata-verify/smtp-data-rejected/10.7.29.101_49898-178.63.41.150_25.pcap",
                "suricata-verify/smtp-to-comma/10.7.29.101_49898-178.63.41.150_25.pcap")) {
            wire(f, 49898,
                    "after RSET the spambot retries with a second forged sender 'MAIL FROM: <uprootedx38@gateway2c.dhl.com>' "
                            + "(250) and 'RCPT TO:<mirjam@abrakadabra.ch>' (250), which tshark reads as message text",
                    l -> l.add(tx("173-66-46-112.wash.fios.verizon.net", "<uprootedx38@gateway2c.dhl.com>")
                            .rcpt("<mirjam@abrakadabra.ch>", 250)));
        }
        wire("pcaps2/markofu-pcaps/Praveen/MSExchange_Server_Outlook_Web_Access_XSS.pcap", 20767,
                "early talker: 'helo server', 'mail from: sample@praveen.org', 'rcpt to: test@praveen.org', 'data' "
                        + "in one segment before the greeting; the server answers only '220 argoso ESMTP' and closes",
                l -> l.replace(tx("server", "sample@praveen.org").rcpt("test@praveen.org", 0)));
        wire("pcaps2/OISF-suricata-verify/smtp-bug-5989/input.pcap", 3326,
                "TCP insertion: a 5,002-byte fake greeting overlaps every later reply, tshark treats the real ones "
                        + "as retransmissions and pairs nothing. Server payloads: 334, 334, '235 ok, go ahead' (AUTH "
                        + "LOGIN user line 'Z2FsdW50' = galunt), 250 (MAIL), 250 (RCPT), 354, 250; the client's ACKs "
                        + "(169→196→204→212→226) show it received exactly these",
                l -> l.replace(tx("Percival", "<xxxxxx@xxxxx.co.uk>").auth("LOGIN", "galunt", "success")
                        .rcpt("<xxxxxx@xxxxx.co.uk>", 250)));

        wire("zeek/smtp-mail-transactions-invalid.pcap", 44478,
                "the truth's walk ends a transaction at every DATA, but here DATA is refused 503 twice and "
                        + "ends nothing (RFC 5321 3.3), and the nested 'MAIL FROM:<bob@example.org>' refused 503 "
                        + "'sender already given' starts nothing: two transactions, each <bob@example.org> → "
                        + "<alice@example.org> 250 Accepted and queued",
                l -> l.replace(
                        tx("Bob-PC", "<bob@example.org>").rcpt("<alice@example.org>", 250),
                        tx("Bob-PC", "<bob@example.org>").rcpt("<alice@example.org>", 250)));

        // ---------------------------------------------------------------- wire facts the truth has no column for
        fact("arkime/smtp-decrypted.pcap", 49475,
                "every segment of the message is in the capture; the server's ACKs are captured 4-20 µs before the "
                        + "data they acknowledge, which is not a gap",
                l -> l.all("gaps", false));
        fact("suricata-verify/issue-4220-01-ids/1flowB.pcap", 30709,
                "the replies to HELO and MAIL are in the capture, after the client's ACK for them: no data is missing",
                l -> l.all("gaps", false));

        fact("pcaps2/snort3-snort3_demo/smtp-lorem.pcap", 33693,
                "the server stream has 1-byte holes at seq 41 and 171 (the client's ACKs prove the bytes existed); "
                        + "the second lies inside the open transaction (MAIL/RCPT/DATA pipelined), so data is missing",
                l -> l.all("gaps", true));

        // ---------------------------------------------------------------- open defects
        // None: every issue-8 defect recorded here (8.1-8.5, 8.7) was fixed and its session now equals
        // the wire above. Record a new known defect with pending(item, file, port, reason, wire, wireToToday).
    }

    private static void fact(String file, int clientPort, String reason, Consumer<LogLine.Lines> toWire) {
        FACTS.add(new Fact(file, clientPort, reason, toWire));
    }

    static Fact fact(String file, int clientPort) {
        return FACTS.stream().filter(f -> f.file().equals(file) && f.clientPort() == clientPort).findFirst().orElse(null);
    }

    private static void wire(String file, int clientPort, String reason, Consumer<LogLine.Lines> toWire) {
        WIRE.add(new Wire(file, clientPort, reason, toWire));
    }

    private static void pending(String item, String file, int clientPort, String reason, String wireValue,
                                Consumer<LogLine.Lines> wireToToday) {
        PENDING.add(new Pending(item, file, clientPort, reason, wireValue, wireToToday));
    }

    static Wire wire(String file, int clientPort) {
        return WIRE.stream().filter(w -> w.file().equals(file) && w.clientPort() == clientPort).findFirst().orElse(null);
    }

    static List<Pending> pending(String file, int clientPort) {
        return PENDING.stream().filter(p -> p.file().equals(file) && p.clientPort() == clientPort).toList();
    }

    /** Every entry's file and client port, so the test can prove each one still names a session. */
    static List<String> keys(String file) {
        List<String> keys = new ArrayList<>();
        WIRE.stream().filter(w -> w.file().equals(file)).forEach(w -> keys.add("wire " + w.clientPort()));
        FACTS.stream().filter(f -> f.file().equals(file)).forEach(f -> keys.add("fact " + f.clientPort()));
        PENDING.stream().filter(p -> p.file().equals(file)).forEach(p -> keys.add("pending " + p.item() + " " + p.clientPort()));
        return keys;
    }

    private LogDeviations() {}
}
