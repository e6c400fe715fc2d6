package io.mailtap.corpus;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Sessions where mailtap and tshark's truth differ, each with the reason and the value the wire
 * carries. Every wire value here was read with {@code tshark -q -z follow,tcp,ascii,N} (and
 * MANIFEST.md's gap table, which was made the same way). Captures of the second corpus are named
 * with their folder, {@code pcaps2/...}.
 */
final class Deviations {
    enum Kind {
        /** tshark misses or misreads what is on the wire; mailtap reports the wire. */
        TSHARK_WRONG,
        /** mailtap does not (yet) see what tshark sees; the expectation pins today's behaviour. */
        MAILTAP_LIMITATION
    }

    /** @param clientPort the session's client port, or 0 for every session of the capture */
    record Deviation(String file, int clientPort, Kind kind, String reason, Consumer<CorpusAgreementTest.Expected> adjust) {}

    private static final List<Deviation> ALL = new ArrayList<>();

    static {
        tsharkWrong("zeek/smtp/smtp-bdat-pipeline-8bitmime.pcap", 0,
                "MAIL/RCPT/BDAT pipelined with CHUNKING in one write; tshark shows them as DATA fragments",
                e -> {
                    e.mailFroms = CorpusAgreementTest.repeat("<linux-kernel-owner@vger.kernel.org>", 2);
                    e.rcpts = CorpusAgreementTest.repeat("<trafficwatcher@foundit.scootmail.com>", 2);
                });
        tsharkWrong("suricata-verify/smtp-pipelining/input.pcap", 0,
                "MAIL/RCPT/DATA and the message pipelined in one segment; tshark shows it as message data",
                e -> {
                    e.mailFroms = List.of("<username@domain.com>");
                    e.rcpts = List.of("<john.doe@example.com>");
                });
        tsharkWrong("suricata-verify/smtp-bdat-bad-tail-next-mail/input.pcap", 0,
                "after the 521 for 'BDAT 5 X' the client pipelines 'BDAT 221 LAST' + chunk + a second MAIL/RCPT; "
                        + "tshark shows a DATA fragment",
                e -> {
                    e.mailFroms = List.of("<alice@example.com>", "<bob@example.com>");
                    e.rcpts = List.of("<bob@example.com>", "<alice@example.com>");
                });
        tsharkWrong("suricata-verify/smtp-bdat-bad-tail-reply-queue/input.pcap", 0,
                "'BDAT 5 X', MAIL, RCPT and DATA pipelined in one segment; tshark decodes only the EHLO",
                e -> {
                    e.mailFroms = List.of("<alice@example.com>");
                    e.rcpts = List.of("<bob@example.com>");
                });
        tsharkWrong("suricata-verify/smtp-bdat-pipelined-next-mail/input.pcap", 0,
                "two BDAT chunks and the next transaction pipelined after 'BDAT 64'; tshark misses the second MAIL/RCPT",
                e -> {
                    e.mailFroms = List.of("<alice@example.com>", "<bob@example.com>");
                    e.rcpts = List.of("<bob@example.com>", "<alice@example.com>");
                });
        tsharkWrong("arkime/smtp-moloch-bof.pcap", 0,
                "early talker: the whole dialogue is sent before the greeting; tshark shows DATA fragments",
                e -> {
                    e.helos = List.of("ADCDTEST");
                    e.mailFroms = List.of("<ibmuser@zpdt.example.com>");
                    e.rcpts = List.of("<mattenuttall@example.com>");
                });
        tsharkWrong("arkime/smtp-subject-windows.pcap", 0,
                "early talker: EHLO/MAIL/RCPT/DATA sent before the split greeting",
                e -> {
                    e.helos = List.of("xxxxxx.xxxxxx.xxx.com");
                    e.mailFroms = List.of("<xxxxx@xxx.net>");
                    e.rcpts = List.of("<xxxxx@xxx.net>");
                });
        tsharkWrong("arkime/smtp-subject-multi-nospace.pcap", 0,
                "client-only capture, whole dialogue in one segment before any greeting; tshark decodes nothing",
                e -> {
                    e.helos = List.of("xxxxxx.xxxxxx.xxx.com");
                    e.mailFroms = List.of("<xxxxx@xxx.net>");
                    e.rcpts = List.of("<xxxxx@xxx.net>");
                });

        // tshark switches to message mode on every DATA command, even one the server refuses with
        // 503, and then reads the commands that follow as message text.
        tsharkWrong("suricata-verify/firewall/ruletype-firewall-133-smtp-out-of-order-commands/smtp-out-of-order.pcap", 0,
                "'data' refused with 503 before any MAIL; tshark reads the following 'mail from'/'rcpt to' as message text",
                e -> {
                    e.mailFroms = List.of("<alice@example.com>");
                    e.rcpts = List.of("<bob@example.com>", "<bob@example.com>");
                });
        tsharkWrong("suricata-verify/smtp-ehlo-reset-after-rejected-data/input.pcap", 0,
                "'data' refused with 503; tshark misses the following EHLO, MAIL and RCPT",
                e -> {
                    e.helos = List.of("client.example.com", "client.example.com");
                    e.mailFroms = List.of("<bob@example.com>");
                    e.rcpts = List.of("<alice@example.com>");
                });
        for (String f : List.of("suricata-verify/smtp-data-rejected/10.7.29.101_49898-178.63.41.150_25.pcap",
                "suricata-verify/smtp-to-comma/10.7.29.101_49898-178.63.41.150_25.pcap")) {
            tsharkWrong(f, 0,
                    "spambot pipelines MAIL/RCPT/DATA; MAIL is refused (553) and DATA with it (503); after RSET it retries "
                            + "with a second forged sender, which tshark reads as message text",
                    e -> {
                        e.mailFroms = List.of("<splotchiestzg0@gezydb01.apis.dhl.com>", "<uprootedx38@gateway2c.dhl.com>");
                        e.rcpts = List.of("<mirjam@abrakadabra.ch>", "<mirjam@abrakadabra.ch>");
                    });
        }
        tsharkWrong("pcapplusplus/Smtp.pcap", 1470,
                "frames 7-8 are hand-made test packets reusing the 4-tuple 14 years after the rest; mailtap's idle "
                        + "timeout ends the first connection and picks them up as a new one carrying 'EHLO Test Option', "
                        + "tshark calls them retransmissions",
                e -> e.helos = List.of("Test Option"));

        tsharkWrong("zeek/http/connect-with-smtp.pcap", 0,
                "SMTP inside an HTTP CONNECT tunnel on tcp/8240 (mailtap reads through the tunnel): the client's "
                        + "'HELO 208.191.73.21' (stream offset 0x67) was only captured as a TCP retransmission "
                        + "(frame 11), which tshark does not hand to SMTP",
                e -> e.helos = List.of("208.191.73.21"));

        // ---------------------------------------------------------------- second corpus (pcaps2)
        tsharkWrong("pcaps2/markofu-pcaps/Praveen/MSExchange_Server_Outlook_Web_Access_XSS.pcap", 20767,
                "early talker: 'helo server', 'mail from: sample@praveen.org', 'rcpt to: test@praveen.org' and 'data' "
                        + "in one segment before the greeting (retransmitted); tshark decodes only '220 argoso ESMTP'",
                e -> {
                    e.helos = List.of("server");
                    e.mailFroms = List.of("sample@praveen.org");
                    e.rcpts = List.of("test@praveen.org");
                });
    }

    private static void tsharkWrong(String file, int port, String reason, Consumer<CorpusAgreementTest.Expected> adjust) {
        ALL.add(new Deviation(file, port, Kind.TSHARK_WRONG, reason, adjust));
    }

    private static void limitation(String file, int port, String reason, Consumer<CorpusAgreementTest.Expected> adjust) {
        ALL.add(new Deviation(file, port, Kind.MAILTAP_LIMITATION, reason, adjust));
    }

    static Deviation find(String file, int clientPort) {
        for (Deviation d : ALL) {
            if (d.file().equals(file) && (d.clientPort() == 0 || d.clientPort() == clientPort)) return d;
        }
        return null;
    }

    private Deviations() {}
}
