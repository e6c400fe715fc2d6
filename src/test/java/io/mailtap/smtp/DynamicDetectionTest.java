package io.mailtap.smtp;

import io.mailtap.smtp.SmtpEvent.ConnectionAttempt;
import io.mailtap.smtp.SmtpEvent.ConnectionEnd;
import io.mailtap.smtp.SmtpEvent.ConnectionEstablished;
import io.mailtap.smtp.SmtpEvent.Greeting;
import io.mailtap.smtp.SmtpEvent.Helo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

import static io.mailtap.smtp.ProxyTunnelTest.b;
import static io.mailtap.smtp.ProxyTunnelTest.cat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * smtp.detect_on_any_port: flows whose server port is not a configured SMTP port are reported only
 * once their first bytes prove SMTP, and then exactly as if they had been on port 25 from the first
 * packet; everything else on the link stays silent. Driven through a real flow table.
 */
class DynamicDetectionTest {
    static final byte[] CLIENT_HELLO = b(0x16, 3, 1, 0, 0x30, 1, 0, 0, 0x2c, 3, 3, 0x11, 0x22, 0x33, 0x44);
    static final byte[] SERVER_HELLO = b(0x16, 3, 3, 0, 0x20, 2, 0, 0, 0x1c, 3, 3, 0x55, 0x66);

    static void smtpDialogue(Wire.Conv c) {
        c.handshake()
                .server("220 mx.example.com ESMTP\r\n")
                .client("EHLO client.example.org\r\n").server("250-mx.example.com\r\n250 PIPELINING\r\n")
                .client("MAIL FROM:<a@example.org>\r\n").server("250 ok\r\n")
                .client("RCPT TO:<b@example.com>\r\n").server("250 ok\r\n")
                .client("DATA\r\n").server("354 go\r\n").client("Subject: x\r\n\r\nhi\r\n.\r\n").server("250 queued\r\n")
                .client("QUIT\r\n").server("221 bye\r\n")
                .close();
    }

    static Wire run(boolean trackAllTcp, int port, Consumer<Wire.Conv> script) {
        Wire w = new Wire(trackAllTcp);
        script.accept(w.conv(port));
        return w.finish();
    }

    @Test
    void smtpOnAnUnconfiguredPortIsReportedFromItsFirstPacketWithItsOriginalTimes() {
        Wire onPort25 = run(false, 25, DynamicDetectionTest::smtpDialogue);
        Wire onOddPort = run(true, 10025, DynamicDetectionTest::smtpDialogue);

        assertThat(onOddPort.withoutConnection()).isEqualTo(onPort25.withoutConnection());
        assertThat(onOddPort.events.get(0)).isInstanceOf(ConnectionAttempt.class);
        assertThat(onOddPort.events.get(0).tsMicros()).as("the SYN's time").isEqualTo(Wire.T0 + 1000);
        assertThat(onOddPort.events.get(1)).isInstanceOf(ConnectionEstablished.class);
        assertThat(onOddPort.events.get(1).tsMicros()).as("the handshake's ACK").isEqualTo(Wire.T0 + 3000);
        assertThat(((ConnectionEstablished) onOddPort.events.get(1)).handshakeSeen()).isTrue();
        assertThat(onOddPort.events.get(2)).isInstanceOf(Greeting.class);
        assertThat(onOddPort.events.get(2).tsMicros()).as("the greeting's own packet").isEqualTo(Wire.T0 + 4000);
        assertThat(onOddPort.events.get(onOddPort.events.size() - 1)).isInstanceOf(ConnectionEnd.class);
        assertThat(onOddPort.events).allSatisfy(e -> assertThat(e.conn().serverPort()).isEqualTo(10025));
        assertThat(onOddPort.all(SmtpEvent.Transaction.class)).hasSize(1);
        assertThat(onOddPort.stats.get(SmtpCounter.DPD_CONFIRMED)).isEqualTo(1);
        assertThat(onOddPort.stats.get(SmtpCounter.DPD_REJECTED)).isZero();
        assertThat(onOddPort.stats.get(SmtpCounter.SESSIONS)).isEqualTo(1);
        assertThat(onPort25.stats.get(SmtpCounter.DPD_CONFIRMED)).isZero();
    }

    @Test
    void clientFirstEhloOnAnOddPortIsConfirmedAtOnce() {
        Wire w = new Wire(true);
        Wire.Conv c = w.conv(31337).handshake().client("ehlo early.example\r\n");
        assertThat(w.stats.get(SmtpCounter.DPD_CONFIRMED)).as("confirmed by the client's EHLO alone").isEqualTo(1);
        assertThat(w.events).extracting(e -> e.getClass().getSimpleName())
                .containsExactly("ConnectionAttempt", "ConnectionEstablished");
        c.server("220 hi\r\n250 ok\r\n").close();
        w.finish();
        assertThat(w.one(Helo.class)).extracting(Helo::verb, Helo::argument, Helo::replyCode)
                .containsExactly("EHLO", "early.example", 250);
        assertThat(w.one(Greeting.class).code()).isEqualTo(220);
    }

    @Test
    void aClientOnlyCaptureIsConfirmedByTheHello() {
        Wire w = new Wire(true);
        w.conv(2526).handshake().client("HELO\r\n").client("MAIL FROM:<x@y>\r\n").close();
        w.finish();
        assertThat(w.one(Helo.class)).extracting(Helo::argument, Helo::replyCode).containsExactly("", 0);
        assertThat(w.stats.get(SmtpCounter.DPD_CONFIRMED)).isEqualTo(1);
    }

    @Test
    void aGreetingStandsWhenTheClientNeverSpeaks() {
        Wire w = new Wire(true);
        w.conv(10025).handshake().server("220-mx.example.com ESMTP\r\n220 ready\r\n").close();
        assertThat(w.events).as("waits for the client's first word, which could veto").isEmpty();
        w.finish();
        assertThat(w.one(Greeting.class).text()).isEqualTo("mx.example.com ESMTP ready");
        assertThat(w.events).extracting(e -> e.getClass().getSimpleName()).containsExactly(
                "ConnectionAttempt", "ConnectionEstablished", "Greeting", "Transaction", "ConnectionEnd");
        assertThat(w.stats.get(SmtpCounter.DPD_CONFIRMED)).isEqualTo(1);
    }

    @Test
    void aBareGreetingAnsweredByACommandOnlySmtpHasIsSmtp() {
        Wire w = new Wire(true);
        w.conv(10025).handshake().server("220 hi\r\n").client("RSET\r\n").server("250 ok\r\n").close();
        w.finish();
        assertThat(w.stats.get(SmtpCounter.DPD_CONFIRMED)).isEqualTo(1);
        assertThat(w.one(Greeting.class).code()).isEqualTo(220);
    }

    @Test
    void aBareGreetingAnsweredByAVerbFtpHasTooIsNotSmtp() {
        Wire w = new Wire(true);
        w.conv(10025).handshake().server("220 hi\r\n").client("NOOP\r\n").server("200 ok\r\n").close();
        w.finish();
        assertThat(w.events).isEmpty();
        assertThat(w.stats.get(SmtpCounter.DPD_REJECTED)).isEqualTo(1);
    }

    @Test
    void aBareGreetingToAClientThatNeverSpeaksIsNotSmtp() {
        // a port scanner's connect to an FTP server: only "220 (vsFTPd 2.3.4)" is on the wire
        Wire w = new Wire(true);
        w.conv(2121).handshake().server("220 (vsFTPd 2.3.4)\r\n").close();
        w.finish();
        assertThat(w.events).isEmpty();
        assertThat(w.stats.get(SmtpCounter.DPD_REJECTED)).isEqualTo(1);
    }

    @Test
    void tlsOn443IsSilent() {
        Wire w = run(true, 443, c -> c.handshake().client(CLIENT_HELLO).server(SERVER_HELLO).client(CLIENT_HELLO).close());
        assertThat(w.events).isEmpty();
        assertThat(w.stats.get(SmtpCounter.DPD_REJECTED)).isEqualTo(1);
        assertThat(w.stats.get(SmtpCounter.SESSIONS)).isZero();
        assertThat(w.stats.get(SmtpCounter.IMPLICIT_TLS)).isZero();
    }

    @Test
    void httpOn8080IsSilent() {
        Wire w = run(true, 8080, c -> c.handshake()
                .client("GET /index.html HTTP/1.1\r\nHost: www.example.com\r\n\r\n")
                .server("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi").close());
        assertThat(w.events).isEmpty();
        assertThat(w.stats.get(SmtpCounter.DPD_REJECTED)).isEqualTo(1);
        assertThat(w.stats.get(SmtpCounter.NOT_SMTP)).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "ftp (a 220 greeting, but the client says USER)|21|220 ProFTPD Server ready.|USER anonymous",
            "ftp (a 220 greeting, the client says QUIT)|2121|220 ProFTPD 1.3.1 Server (Debian)|QUIT",
            "ssh|22|SSH-2.0-OpenSSH_9.6|SSH-2.0-PuTTY_Release_0.80",
            "pop3|110|+OK POP3 ready|CAPA",
            "imap|143|* OK IMAP4rev1 ready|a001 CAPABILITY",
            "smtp reply code but not a greeting, client not a hello|10025|554 go away|MAIL FROM:<a@b>",
    })
    void serverFirstProtocolsAreSilent(String name, int port, String serverLine, String clientLine) {
        Wire w = run(true, port, c -> c.handshake().server(serverLine + "\r\n").client(clientLine + "\r\n")
                .server("whatever\r\n").close());
        assertThat(w.events).isEmpty();
        assertThat(w.stats.get(SmtpCounter.DPD_REJECTED)).isEqualTo(1);
    }

    @Test
    void flowsWithoutPayloadOnOtherPortsAreSilentButPort25AttemptsAreStillReported() {
        Wire w = new Wire(true);
        w.conv("192.0.2.10", 40001, "198.51.100.25", 10025).syn();
        w.conv("192.0.2.10", 40002, "198.51.100.25", 10026).handshake().close();
        w.conv("192.0.2.10", 40003, "198.51.100.25", 25).syn();
        w.finish();
        assertThat(w.events).extracting(e -> e.getClass().getSimpleName() + " " + e.conn().serverPort())
                .containsExactly("ConnectionAttempt 25", "ConnectionEnd 25");
        assertThat(w.stats.get(SmtpCounter.DPD_CONFIRMED) + w.stats.get(SmtpCounter.DPD_REJECTED) + w.stats.get(SmtpCounter.DPD_GAVE_UP)).isZero();
    }

    @Test
    void configuredPortsBehaveExactlyAsWithoutDetection() {
        for (int port : new int[] {25, 587, 2525}) {
            Wire plain = run(false, port, DynamicDetectionTest::smtpDialogue);
            Wire tracking = run(true, port, DynamicDetectionTest::smtpDialogue);
            assertThat(tracking.events).isEqualTo(plain.events);
        }
        // Not SMTP on a configured port is still reported (given up on), never probed.
        Wire http = run(true, 25, c -> c.handshake().client("GET / HTTP/1.0\r\n\r\n").close());
        assertThat(http.anomalies()).containsExactly("not_smtp: client line is not an SMTP command");
        assertThat(http.stats.get(SmtpCounter.DPD_REJECTED)).isZero();
    }

    @Test
    void aGapInTheFirstBytesGivesUpSilently() {
        Wire w = run(true, 10025, c -> c.handshake().server("220 hi\r\n").clientLost(20).server("250 ok\r\n")
                .client("MAIL FROM:<a@b>\r\n").server("250 ok\r\n").close());
        assertThat(w.events).isEmpty();
        assertThat(w.stats.get(SmtpCounter.DPD_GAVE_UP)).isEqualTo(1);
        assertThat(w.stats.get(SmtpCounter.DPD_CONFIRMED)).isZero();
    }

    @Test
    void aHugeFirstLineIsRejectedWithinTheProbeBounds() {
        byte[] chunk = "a".repeat(1400).getBytes(StandardCharsets.US_ASCII);
        // Looks like a command at first ("MAIL ..."), then 100 KB without a line end, server silent.
        Wire w = run(true, 10025, c -> {
            c.handshake().client("MAIL FROM:<");
            for (int sent = 0; sent < 100_000; sent += chunk.length) c.client(chunk);
            c.close();
        });
        assertThat(w.events).isEmpty();
        assertThat(w.stats.get(SmtpCounter.DPD_REJECTED)).isEqualTo(1);

        // And plain garbage is rejected at its first bytes.
        Wire x = run(true, 10025, c -> {
            c.handshake();
            for (int sent = 0; sent < 100_000; sent += chunk.length) c.client(chunk);
            c.close();
        });
        assertThat(x.events).isEmpty();
        assertThat(x.stats.get(SmtpCounter.DPD_REJECTED)).isEqualTo(1);
    }

    // ------------------------------------------------------------------ tunnels on other ports

    @Test
    void smtpThroughAnHttpProxyOnAnOddPortIsConfirmedInsideTheTunnel() {
        Wire w = run(true, 3128, c -> c.handshake()
                .client("CONNECT mx.example.com:25 HTTP/1.1\r\nHost: mx.example.com:25\r\n\r\n")
                .server("HTTP/1.1 200 Connection established\r\n\r\n")
                .server("220 mx.example.com ESMTP\r\n").client("EHLO spambot\r\n").server("250 ok\r\n")
                .client("QUIT\r\n").server("221 bye\r\n").close());
        assertThat(w.stats.get(SmtpCounter.DPD_CONFIRMED)).isEqualTo(1);
        assertThat(w.anomalies()).containsExactly("proxy_tunnel: http-connect to mx.example.com:25");
        assertThat(w.one(Helo.class).argument()).isEqualTo("spambot");
        assertThat(w.events.get(0)).isInstanceOf(ConnectionAttempt.class);
    }

    @Test
    void smtpThroughSocks5OnAnOddPortIsConfirmed() {
        Wire w = run(true, 1080, c -> c.handshake().client(b(5, 1, 0)).server(b(5, 0))
                .client(ProxyTunnelTest.socks5Request("mx.example.com", 25)).server(ProxyTunnelTest.SOCKS5_OK)
                .server("220 mx ESMTP\r\n").client("HELO x\r\n").server("250 ok\r\n").close());
        assertThat(w.stats.get(SmtpCounter.DPD_CONFIRMED)).isEqualTo(1);
        assertThat(w.anomalies()).containsExactly("proxy_tunnel: socks5 to mx.example.com:25");
    }

    @Test
    void httpsThroughAProxyAndRefusedTunnelsAreSilent() {
        Wire https = run(true, 3128, c -> c.handshake()
                .client("CONNECT www.example.com:443 HTTP/1.1\r\n\r\n").server("HTTP/1.1 200 OK\r\n\r\n")
                .client(CLIENT_HELLO).server(SERVER_HELLO).close());
        assertThat(https.events).isEmpty();
        assertThat(https.stats.get(SmtpCounter.DPD_REJECTED)).isEqualTo(1);

        Wire refused = run(true, 3128, c -> c.handshake()
                .client("CONNECT mx.example.com:25 HTTP/1.1\r\n\r\n").server("HTTP/1.1 403 Forbidden\r\n\r\n").close());
        assertThat(refused.events).isEmpty();
        assertThat(refused.stats.get(SmtpCounter.DPD_REJECTED)).isEqualTo(1);

        Wire socks = run(true, 1080, c -> c.handshake().client(b(5, 1, 0)).server(b(5, 0xff)).close());
        assertThat(socks.events).isEmpty();

        Wire plainHttpProxy = run(true, 3128, c -> c.handshake()
                .client("GET http://www.example.com/ HTTP/1.1\r\n\r\n").server("HTTP/1.1 200 OK\r\n\r\n").close());
        assertThat(plainHttpProxy.events).isEmpty();
    }

    @Test
    void aTunnelWhoseSmtpStartsAfterOneKibOfHeadersIsNotFollowed() {
        String headers = "X-Filler: " + "f".repeat(1100) + "\r\n";
        Wire w = run(true, 3128, c -> c.handshake()
                .client(cat("CONNECT mx.example.com:25 HTTP/1.1\r\n", headers, "\r\n"))
                .server("HTTP/1.1 200 OK\r\n\r\n220 hi\r\n").client("EHLO x\r\n").close());
        assertThat(w.events).isEmpty();
        assertThat(w.stats.get(SmtpCounter.DPD_REJECTED)).isEqualTo(1);
    }
}
