package io.mailtap.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailtap.testutil.TcpConversation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Issue 8 item 10 on the wire: the lab's mail server (samples/lab.yml) is refused by two outside
 * servers for two lists — Spamhaus ZEN at RCPT, and a three-line {@code 550-5.7.1} reply citing
 * cbl.abuseat.org at MAIL — in one capture replayed through the CLI. Two alerts, one per list, each
 * with its {@code list} field and lookup page.
 */
class BlocklistCaptureReplayTest {
    private static final String MAIL_SERVER = "198.18.20.10";

    @TempDir
    Path dir;

    /**
     * The lab recording (samples/blocklist-two-lists.pcap, scenario blocklisted_twice): Postfix
     * refused by mx.example.org at RCPT (Spamhaus ZEN) and by mx.lists.example at MAIL with a
     * three-line 550-5.7.1 reply citing cbl.abuseat.org (see its facts file).
     */
    @Test
    void theLabRecordingOfTwoRejectingSinksGivesTwoFindings() throws IOException {
        Path out = dir.resolve("lab");
        Cli r = Cli.run("replay", "--config", "samples/lab.yml", "--out", out.toString(), "samples/blocklist-two-lists.pcap");
        assertThat(r.exit()).as(r.err()).isZero();
        List<JsonNode> alerts = ReplayCommandTest.jsonLines(out.resolve("alerts.jsonl")).stream()
                .filter(a -> a.get("rule").asText().equals("blocklist_rejection")).toList();
        assertThat(alerts).extracting(a -> a.get("key").asText(), a -> a.get("list").asText(), a -> a.get("dst_ip").asText(),
                        a -> a.get("evidence").get("command").asText(), a -> a.get("evidence").get("reply_code").asInt())
                .containsExactly(
                        tuple("zen.spamhaus.org:" + MAIL_SERVER, "zen.spamhaus.org", "203.0.113.26", "RCPT", 554),
                        tuple("cbl.abuseat.org:" + MAIL_SERVER, "cbl.abuseat.org", "203.0.113.27", "MAIL", 550));
        assertThat(alerts.get(1).get("evidence").get("reply_text").asText())
                .isEqualTo("550 5.7.1 Message rejected because of the sending host's reputation. 5.7.1 198.18.20.10 is "
                        + "listed at cbl.abuseat.org, see 5.7.1 https://www.abuseat.org/lookup.cgi?ip=198.18.20.10");
        assertThat(alerts).allSatisfy(a -> assertThat(a.get("evidence").get("lookup").asText()).startsWith("https://"));
    }

    @Test
    void twoListsOnTheWireAreTwoAlerts() throws IOException {
        long t0 = 1_700_000_000_000_000L;
        TcpConversation zen = new TcpConversation(TcpConversation.ethernetPcap(), MAIL_SERVER, 41001, "203.0.113.25", 25, t0)
                .handshake()
                .server("220 mx1.remote.example ESMTP\r\n")
                .client("EHLO mail.corp.example\r\n")
                .server("250-mx1.remote.example\r\n250 PIPELINING\r\n")
                .client("MAIL FROM:<alice@corp.example>\r\n")
                .server("250 2.1.0 Ok\r\n")
                .client("RCPT TO:<bob@remote.example>\r\n")
                .server("554 5.7.1 Service unavailable; Client host [198.18.20.10] blocked using zen.spamhaus.org;"
                        + " https://www.spamhaus.org/query/ip/198.18.20.10\r\n")
                .client("QUIT\r\n")
                .server("221 2.0.0 Bye\r\n")
                .close();
        Path zenPcap = zen.write(dir.resolve("zen.pcap"));
        TcpConversation cbl = new TcpConversation(TcpConversation.ethernetPcap(), MAIL_SERVER, 41002, "203.0.113.26", 25, t0 + 2_000_000L)
                .handshake()
                .server("220 mx2.remote.example ESMTP\r\n")
                .client("EHLO mail.corp.example\r\n")
                .server("250 mx2.remote.example\r\n")
                .client("MAIL FROM:<alice@corp.example>\r\n")
                .server("550-5.7.1 Message rejected because of the sending address.\r\n"
                        + "550-5.7.1 198.18.20.10 is listed at cbl.abuseat.org, see its lookup page\r\n"
                        + "550 5.7.1 for details.\r\n")
                .client("QUIT\r\n")
                .server("221 2.0.0 Bye\r\n")
                .close();
        Path cblPcap = cbl.write(dir.resolve("cbl.pcap"));

        Path out = dir.resolve("out");
        Cli r = Cli.run("replay", "--config", "samples/lab.yml", "--out", out.toString(), zenPcap.toString(), cblPcap.toString());
        assertThat(r.exit()).as(r.err()).isZero();

        List<JsonNode> alerts = ReplayCommandTest.jsonLines(out.resolve("alerts.jsonl")).stream()
                .filter(a -> a.get("rule").asText().equals("blocklist_rejection")).toList();
        assertThat(alerts).extracting(a -> a.get("key").asText(), a -> a.get("list").asText(),
                        a -> a.get("evidence").get("command").asText(), a -> a.get("evidence").get("lookup").asText())
                .containsExactly(
                        tuple("zen.spamhaus.org:" + MAIL_SERVER, "zen.spamhaus.org", "RCPT", "https://check.spamhaus.org/"),
                        tuple("cbl.abuseat.org:" + MAIL_SERVER, "cbl.abuseat.org", "MAIL", "https://www.abuseat.org/lookup.cgi"));
        assertThat(alerts.get(1).get("evidence").get("reply_text").asText())
                .as("the three lines of the reply, joined")
                .startsWith("550 5.7.1 Message rejected").contains("listed at cbl.abuseat.org").endsWith("for details.");
    }
}
