package io.mailtap.smtp;

import io.mailtap.flow.ClientBy;
import io.mailtap.smtp.SmtpEvent.Anomaly;
import io.mailtap.smtp.SmtpEvent.Greeting;
import io.mailtap.smtp.SmtpEvent.Helo;
import io.mailtap.smtp.SmtpEvent.MailFrom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SMTP carried through a proxy tunnel set up at the start of the connection: HTTP CONNECT,
 * SOCKS5 (with and without RFC 1929 authentication), SOCKS4/4a. The tunnel is reported as a
 * proxy_tunnel anomaly and the SMTP inside is read as a fresh conversation; a refused or
 * malformed handshake is given up on as before (not_smtp).
 */
class ProxyTunnelTest {
    static final String PASSWORD = "Tr0ub4dor-and-3";

    static byte[] b(int... v) {
        byte[] out = new byte[v.length];
        for (int i = 0; i < v.length; i++) out[i] = (byte) v[i];
        return out;
    }

    static byte[] cat(Object... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (Object p : parts) {
            o.writeBytes(p instanceof String ? ((String) p).getBytes(StandardCharsets.ISO_8859_1) : (byte[]) p);
        }
        return o.toByteArray();
    }

    /** SOCKS5 CONNECT request to a host name. */
    static byte[] socks5Request(String host, int port) {
        return cat(b(5, 1, 0, 3, host.length()), host, b(port >> 8, port & 0xff));
    }

    static final byte[] SOCKS5_OK = b(5, 0, 0, 1, 10, 0, 0, 1, 0xd1, 0xcd);

    /** A short SMTP dialogue, as seen inside the tunnel. */
    static Harness smtpInside(Harness h) {
        return h.s("220 mx.example.com ESMTP\r\n").c("EHLO relay.example\r\n").s("250 mx\r\n")
                .c("MAIL FROM:<spam@example.org>\r\n").s("250 ok\r\n")
                .c("RCPT TO:<victim@example.com>\r\n").s("250 ok\r\n")
                .c("QUIT\r\n").s("221 bye\r\n");
    }

    static void assertSmtpInside(Harness.Run r) {
        assertThat(r.stats.get(SmtpCounter.INTERNAL_ERRORS)).isZero();
        assertThat(r.one(Greeting.class).code()).isEqualTo(220);
        assertThat(r.one(Helo.class)).extracting(Helo::argument, Helo::replyCode).containsExactly("relay.example", 250);
        assertThat(r.one(MailFrom.class).argument()).isEqualTo("<spam@example.org>");
        assertThat(r.record().rcptTo()).containsExactly("<victim@example.com>");
        assertThat(r.anomalyKinds()).containsExactly("proxy_tunnel");
        assertThat(r.stats.get(SmtpCounter.PROXY_TUNNELS)).isEqualTo(1);
        assertThat(r.stats.get(SmtpCounter.NOT_SMTP)).isZero();
        assertThat(r.one(SmtpEvent.ConnectionEnd.class).smtpSeen()).isTrue();
    }

    static String tunnelDetail(Harness.Run r) {
        return r.one(Anomaly.class).detail();
    }

    // ------------------------------------------------------------------ HTTP CONNECT

    @Test
    void httpConnectAcceptedCarriesSmtp() {
        Harness h = new Harness()
                .c("CONNECT mx.example.com:25 HTTP/1.1\r\nHost: mx.example.com:25\r\nUser-Agent: x\r\n\r\n")
                .s("HTTP/1.1 200 Connection established\r\nVia: proxy\r\n\r\n");
        Harness.Run r = smtpInside(h).run();
        assertSmtpInside(r);
        assertThat(tunnelDetail(r)).isEqualTo("http-connect to mx.example.com:25");
        Anomaly a = r.one(Anomaly.class);
        assertThat(a.tsMicros()).as("reported when the proxy's answer completes").isEqualTo(Harness.START + 2000);
    }

    @Test
    void oldSpamToolRequestLineAndHeaderWithoutColonAsInTheCorpus() {
        // zeek/http/connect-with-smtp.pcap: "CONNECT host:25 / HTTP/1.0" and a bare user-agent line.
        Harness h = new Harness()
                .c("CONNECT mailin03.sul.t-online.de:25 / HTTP/1.0\r\nMozilla 4.0 (compatible; MSIE 5.01; Windows NT 5.0)\r\n\r\n")
                .s("HTTP/1.0 200 Connection established\r\n\r\n");
        Harness.Run r = smtpInside(h).run();
        assertSmtpInside(r);
        assertThat(tunnelDetail(r)).isEqualTo("http-connect to mailin03.sul.t-online.de:25");
    }

    @Test
    void proxyAnswerAndGreetingInOneSegmentBareLfAndPipelinedClient() {
        Harness.Run r = new Harness()
                .c("connect mx.example.com:587 HTTP/1.0\nProxy-Authorization: Basic " + Auths.b64("bob:" + PASSWORD) + "\n\nEHLO relay.example\r\n")
                .s("HTTP/1.0 200 OK\n\n220 mx.example.com ESMTP\r\n250 mx\r\n")
                .c("MAIL FROM:<spam@example.org>\r\n").s("250 ok\r\n")
                .c("RCPT TO:<victim@example.com>\r\n").s("250 ok\r\n")
                .c("QUIT\r\n").s("221 bye\r\n")
                .run();
        assertSmtpInside(r);
        assertThat(tunnelDetail(r)).isEqualTo("http-connect to mx.example.com:587 with proxy credentials");
        assertThat(r.dump()).doesNotContain(PASSWORD).doesNotContain(Auths.b64("bob:" + PASSWORD));
    }

    @ParameterizedTest
    @ValueSource(strings = {"HTTP/1.1 403 Forbidden\r\n\r\n", "HTTP/1.0 407 Proxy Authentication Required\r\n\r\n",
            "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n"})
    void httpConnectRefusedIsGivenUp(String answer) {
        Harness.Run r = new Harness()
                .c("CONNECT mx.example.com:25 HTTP/1.1\r\n\r\n").s(answer)
                .s("220 this is not read\r\n").c("EHLO x\r\n")
                .run();
        assertThat(r.stats.get(SmtpCounter.INTERNAL_ERRORS)).isZero();
        assertThat(r.anomalyKinds()).containsExactly("not_smtp");
        assertThat(tunnelDetail(r)).isEqualTo("http-connect to mx.example.com:25 refused: " + answer.substring(9, 12));
        assertThat(r.all(Greeting.class)).isEmpty();
        assertThat(r.all(Helo.class)).isEmpty();
        assertThat(r.stats.get(SmtpCounter.PROXY_TUNNELS)).isZero();
        assertThat(r.stats.get(SmtpCounter.NOT_SMTP)).isEqualTo(1);
        assertThat(r.records()).hasSize(1); // the connection is still logged, as any not-SMTP one
    }

    @Test
    void serverThatSpokeFirstMakesItSmtpNotATunnel() {
        // Decided as SMTP by the greeting: a CONNECT line afterwards is a non-SMTP client, as before.
        Harness.Run r = new Harness().s("220 hi\r\n").c("CONNECT mx.example.com:25 HTTP/1.0\r\n\r\n").run();
        assertThat(r.anomalyKinds()).containsExactly("not_smtp");
        assertThat(tunnelDetail(r)).isEqualTo("client line is not an SMTP command");
        assertThat(r.stats.get(SmtpCounter.PROXY_TUNNELS)).isZero();
    }

    @Test
    void midStreamPickUpIsNeverATunnel() {
        Harness.Run r = new Harness(SmtpSettings.defaults(), ClientBy.PORT)
                .c(b(5, 1, 0)).s(b(5, 0)).run();
        assertThat(r.stats.get(SmtpCounter.PROXY_TUNNELS)).isZero();
        assertThat(r.anomalyKinds()).doesNotContain("proxy_tunnel");
    }

    @Test
    void aClientLineThatOnlyStartsLikeConnectIsReadAsSmtp() {
        Harness.Run r = new Harness().c("CONNEC\r\n").s("220 hi\r\n500 what\r\n").run();
        assertThat(r.stats.get(SmtpCounter.PROXY_TUNNELS)).isZero();
        assertThat(r.anomalyKinds()).isEmpty();
        assertThat(r.one(Greeting.class).code()).isEqualTo(220);
    }

    // ------------------------------------------------------------------ SOCKS5

    @Test
    void socks5WithoutAuthentication() {
        Harness h = new Harness().c(b(5, 1, 0)).s(b(5, 0)).c(socks5Request("mx.example.com", 25)).s(SOCKS5_OK);
        Harness.Run r = smtpInside(h).run();
        assertSmtpInside(r);
        assertThat(tunnelDetail(r)).isEqualTo("socks5 to mx.example.com:25");
    }

    @Test
    void socks5AsInTheCorpusWithReplyAndGreetingInOneSegment() {
        // arkime/socks5-smtp-503.pcap: greeting, method 0, a domain request for port 25.
        Harness.Run r = new Harness().c(b(5, 1, 0)).s(b(5, 0)).c(socks5Request("010.000.00.003", 25))
                .s(cat(SOCKS5_OK, "220 xxxxxxxx ESMTP Exim 4.80\r\n"))
                .c("EHLO User\r\n").s("250-xx Hello\r\n250 HELP\r\n")
                .c("AUTH LOGIN\r\n").s("503 AUTH command used when not advertised\r\n")
                .run();
        assertThat(r.stats.get(SmtpCounter.INTERNAL_ERRORS)).isZero();
        assertThat(r.one(Helo.class).argument()).isEqualTo("User");
        assertThat(r.one(SmtpEvent.Auth.class)).extracting(SmtpEvent.Auth::mechanism, SmtpEvent.Auth::replyCode)
                .containsExactly("LOGIN", 503);
        assertThat(tunnelDetail(r)).isEqualTo("socks5 to 010.000.00.003:25");
    }

    @Test
    void socks5WithUsernameAndPasswordRecordsTheUserNeverThePassword() {
        byte[] auth = cat(b(1, 5), "alice", b(PASSWORD.length()), PASSWORD);
        Harness h = new Harness().c(b(5, 2, 0, 2)).s(b(5, 2)).c(auth).s(b(1, 0))
                .c(cat(b(5, 1, 0, 1, 192, 0, 2, 25), b(0, 25))).s(SOCKS5_OK);
        for (Harness.Run r : List.of(smtpInside(h).run(), h.runByteAtATime())) {
            assertThat(r.stats.get(SmtpCounter.INTERNAL_ERRORS)).isZero();
            assertThat(r.dump()).doesNotContain(PASSWORD);
            assertThat(r.events).allSatisfy(e -> assertThat(e.toString()).doesNotContain(PASSWORD));
        }
        Harness.Run r = h.run();
        assertSmtpInside(r);
        assertThat(tunnelDetail(r)).isEqualTo("socks5 to 192.0.2.25:25 user alice");
    }

    @Test
    void socks5GreetingAuthAndRequestPipelinedInOneSegment() {
        Harness h = new Harness()
                .c(cat(b(5, 1, 2), b(1, 3), "bob", b(PASSWORD.length()), PASSWORD,
                        b(5, 1, 0, 4, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x19), b(0, 25)))
                .s(cat(b(5, 2), b(1, 0), b(5, 0, 0, 4), new byte[16], b(0, 25)));
        Harness.Run r = smtpInside(h).run();
        assertSmtpInside(r);
        assertThat(tunnelDetail(r)).isEqualTo("socks5 to [2001:db8::19]:25 user bob");
        assertThat(r.dump()).doesNotContain(PASSWORD);
    }

    @Test
    void socks5AuthenticationFailureIsGivenUpWithoutThePassword() {
        Harness.Run r = new Harness().c(b(5, 1, 2)).s(b(5, 2)).c(cat(b(1, 5), "alice", b(PASSWORD.length()), PASSWORD))
                .s(b(1, 1)).run();
        assertThat(r.stats.get(SmtpCounter.INTERNAL_ERRORS)).isZero();
        assertThat(r.anomalyKinds()).containsExactly("not_smtp");
        assertThat(tunnelDetail(r)).isEqualTo("SOCKS5 authentication failed for user alice");
        assertThat(r.dump()).doesNotContain(PASSWORD);
    }

    @Test
    void socks5Refusals() {
        assertThat(tunnelDetail(new Harness().c(b(5, 1, 0)).s(b(5, 0xff)).run()))
                .isEqualTo("SOCKS5 proxy accepts none of the offered methods");
        assertThat(tunnelDetail(new Harness().c(b(5, 1, 0)).s(b(5, 0)).c(socks5Request("mx.example.com", 25))
                .s(b(5, 5, 0, 1, 0, 0, 0, 0, 0, 0)).s("220 not read\r\n").run()))
                .isEqualTo("socks5 to mx.example.com:25 refused: reply 5");
    }

    @Test
    void malformedSocksBytesAreGivenUpCleanly() {
        List<Harness> cases = List.of(
                new Harness().c(b(5, 0)),                                                 // no method offered
                new Harness().c(b(5, 1, 0)).s(b(5, 0)).c(b(5, 2, 0, 1, 1, 2, 3, 4, 0, 25)), // BIND, not CONNECT
                new Harness().c(b(5, 1, 0)).s(b(5, 0)).c(b(5, 1, 0, 9, 1, 2)),            // unknown address type
                new Harness().c(b(5, 1, 0)).s(b(5, 0)).c(b(7, 7, 7)),                     // neither request nor auth
                new Harness().c(b(5, 1, 0)).s("HTTP/1.1 400 Bad Request\r\n\r\n"),       // not a SOCKS proxy
                new Harness().c(b(4, 2, 0, 25, 1, 2, 3, 4, 0)),                           // SOCKS4 BIND
                new Harness().c(b(4, 1, 0, 25, 1, 2, 3, 4, 0)).s(b(0, 0x5b, 0, 0, 0, 0, 0, 0)), // SOCKS4 rejected
                new Harness().c(b(4, 1, 0, 25, 0, 0, 0, 1)).c(new byte[300]),             // SOCKS4a without a host name
                new Harness().c(b(4, 1, 0, 25, 1, 2, 3, 4)).c("u".repeat(300)));         // SOCKS4 user id too long
        for (Harness h : cases) {
            Harness.Run r = h.run();
            assertThat(r.stats.get(SmtpCounter.INTERNAL_ERRORS)).isZero();
            assertThat(r.anomalyKinds()).as("%s", r.dump()).containsExactly("not_smtp");
            assertThat(r.stats.get(SmtpCounter.PROXY_TUNNELS)).isZero();
            assertThat(r.all(SmtpEvent.ConnectionEnd.class)).hasSize(1);
        }
    }

    @Test
    void handshakeCutByAGapOrTheEndIsGivenUp() {
        Harness.Run gap = new Harness().c(b(5, 1, 0)).serverGap(2).s("220 hi\r\n").run();
        assertThat(gap.anomalyKinds()).containsExactly("not_smtp");
        assertThat(tunnelDetail(gap)).isEqualTo("gap in the proxy handshake");

        Harness.Run ended = new Harness().c("CONNECT mx.example.com:25 HTTP/1.1\r\n\r\n").run();
        assertThat(ended.anomalyKinds()).containsExactly("not_smtp");
        assertThat(tunnelDetail(ended)).isEqualTo("connection ended during the proxy handshake");
        assertThat(ended.stats.get(SmtpCounter.INTERNAL_ERRORS)).isZero();
    }

    // ------------------------------------------------------------------ SOCKS4 / 4a

    @Test
    void socks4AndSocks4a() {
        Harness h4 = new Harness().c(cat(b(4, 1, 0, 25, 203, 0, 113, 9), "ident", b(0))).s(b(0, 0x5a, 0, 0, 0, 0, 0, 0));
        Harness.Run r4 = smtpInside(h4).run();
        assertSmtpInside(r4);
        assertThat(tunnelDetail(r4)).isEqualTo("socks4 to 203.0.113.9:25 user ident");

        Harness h4a = new Harness().c(cat(b(4, 1, 0, 25, 0, 0, 0, 1), b(0), "mx.example.com", b(0))).s(b(0, 0x5a, 0, 25, 0, 0, 0, 0));
        Harness.Run r4a = smtpInside(h4a).run();
        assertSmtpInside(r4a);
        assertThat(tunnelDetail(r4a)).isEqualTo("socks4a to mx.example.com:25");
    }

    // ------------------------------------------------------------------ what the tunnel carries

    @Test
    void implicitTlsInsideTheTunnelIsOpaque() {
        Harness.Run r = new Harness().c(b(5, 1, 0)).s(b(5, 0)).c(socks5Request("smtp.example.com", 465)).s(SOCKS5_OK)
                .c(b(0x16, 3, 1, 0, 5, 1, 2, 3, 4, 5)).s(b(0x16, 3, 3, 0, 2, 9, 9)).run();
        assertThat(r.anomalyKinds()).containsExactly("proxy_tunnel");
        assertThat(r.stats.get(SmtpCounter.IMPLICIT_TLS)).isEqualTo(1);
        assertThat(r.one(SmtpEvent.ConnectionEnd.class).tls()).isTrue();
    }

    @Test
    void sameEventsHoweverTheBytesAreCut() {
        Harness h = smtpInside(new Harness()
                .c("CONNECT mx.example.com:25 HTTP/1.1\r\nHost: mx.example.com\r\n\r\n")
                .s("HTTP/1.1 200 OK\r\n\r\n"));
        Harness.Run whole = h.run();
        assertThat(h.runByteAtATime().events).isEqualTo(whole.events);
        java.util.Random rnd = new java.util.Random(7);
        for (int i = 0; i < 20; i++) assertThat(h.runRandomSplits(rnd).events).isEqualTo(whole.events);
    }
}
