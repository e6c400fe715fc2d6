package io.mailtap.smtp;

import io.mailtap.flow.ClientBy;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static io.mailtap.smtp.Auths.b64;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * TCP may cut the byte streams anywhere: whole segments, one byte per call and random cuts must
 * give the very same events (same packet times, so even timestamps must match).
 */
class SplitInvarianceTest {
    static Stream<Arguments> sessions() throws IllegalAccessException {
        List<Arguments> l = new ArrayList<>();
        for (Field f : CorpusTranscripts.class.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String[][].class) {
                l.add(Arguments.of(f.getName(), new Harness().transcript((String[][]) f.get(null))));
            }
        }
        l.add(Arguments.of("simple", SmtpSessionTest.greeted()
                .c("MAIL FROM:<a@x>\r\n").s("250 ok\r\n").c("RCPT TO:<b@x>\r\n").s("250 ok\r\n")
                .c("DATA\r\n").s("354 go\r\n").c("..x\r\n.y\r\n.\r\n").s("250 queued\r\n").c("QUIT\r\n").s("221 bye\r\n")));
        l.add(Arguments.of("pipelined with body and post-dot commands", SmtpSessionTest.greeted()
                .c("MAIL FROM:<>\r\nRCPT TO:<b@x>\r\nDATA\r\nhi\r\n.\r\nMAIL FROM:<c@x>\r\nRCPT TO:<d@x>\r\nBDAT 3 LAST\r\nabcQUIT\r\n")
                .s("250 ok\r\n250 ok\r\n354 go\r\n250 q1\r\n250 ok\r\n550 no\r\n554 no rcpt\r\n221 bye\r\n")));
        l.add(Arguments.of("early talker and PLAIN", new Harness()
                .c("EHLO e\r\nAUTH PLAIN " + b64("\0u\0p") + "\r\nMAIL FROM:<u@x>\r\n")
                .s("220-multi\r\n220 line greeting\r\n250-e\r\n250 AUTH PLAIN\r\n235 ok\r\n250 ok\r\n")));
        l.add(Arguments.of("LOGIN and STARTTLS", SmtpSessionTest.greeted()
                .c("AUTH LOGIN\r\n").s("334 VXNlcm5hbWU6\r\n").c(b64("usr") + "\r\n").s("334 UGFzc3dvcmQ6\r\n")
                .c(b64("pw") + "\r\n").s("235 ok\r\n").c("STARTTLS\r\n").s("220 go\r\n").c("\u0016\u0003\u0001junk")));
        l.add(Arguments.of("gaps", SmtpSessionTest.greeted()
                .c("MAIL FROM:<a@x>\r\nRCPT TO:<b").clientGap(5).c("x>\r\nDATA\r\n").s("250 ok\r\n250 ok\r\n354 go\r\n")
                .c("text\r\n").clientGap(100).c("more\r\n.\r\n").s("250 ").serverGap(3).s("q\r\n221 bye\r\n")));
        l.add(Arguments.of("server holes: short, long, inside a line", SmtpSessionTest.greeted()
                .c("MAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\nRCPT TO:<c@x>\r\nDATA\r\n").serverGap(1)
                .s("250 ok\r\n250 o").serverGap(30).s("k\r\n354 go\r\n").c("hi\r\n.\r\n").serverGap(2)
                .s("250 queued\r\n").c("BDAT 9223372036854775807 LAST\r\nabc")));
        l.add(Arguments.of("implicit tls", new Harness().c(new byte[] {0x16, 0x03, 0x03, 0x00, 0x05, 1, 2, 3})));
        l.add(Arguments.of("not smtp", new Harness().s("220 hi\r\n").c("GET / HTTP/1.0\r\n\r\n")));
        l.add(Arguments.of("mid-stream", new Harness(SmtpSettings.defaults(), ClientBy.PORT)
                .s("tial line\r\n250 ok\r\n").c("RCPT TO:<a@b>\r\n").s("250 ok\r\n")));
        l.add(Arguments.of("long lines", new Harness(new SmtpSettings(16, 16, 4, 2, 2), ClientBy.SYN)
                .s("220 " + "g".repeat(40) + "\r\n").c("EHLO " + "h".repeat(40) + "\r\nNOOP\r\nNOOP\r\nNOOP\r\nNOOP\r\nNOOP\r\n")
                .s("250-a\r\n250-b\r\n250 c\r\n250 1\r\n250 2\r\n250 3\r\n250 4\r\n250 5\r\n")));
        l.add(Arguments.of("http connect tunnel", ProxyTunnelTest.smtpInside(new Harness()
                .c("CONNECT mx.example.com:25 HTTP/1.0\r\nProxy-Authorization: Basic eDp5\r\n\r\n")
                .s("HTTP/1.0 200 OK\r\n\r\n"))));
        l.add(Arguments.of("socks5 tunnel with authentication", ProxyTunnelTest.smtpInside(new Harness()
                .c(ProxyTunnelTest.b(5, 2, 0, 2)).s(ProxyTunnelTest.b(5, 2))
                .c(ProxyTunnelTest.cat(ProxyTunnelTest.b(1, 1, 'u', 2, 'p', 'w'), ProxyTunnelTest.socks5Request("mx.example.com", 25)))
                .s(ProxyTunnelTest.cat(ProxyTunnelTest.b(1, 0), ProxyTunnelTest.SOCKS5_OK)))));
        l.add(Arguments.of("socks4a tunnel", ProxyTunnelTest.smtpInside(new Harness()
                .c(ProxyTunnelTest.cat(ProxyTunnelTest.b(4, 1, 0, 25, 0, 0, 0, 7), "id", ProxyTunnelTest.b(0), "mx", ProxyTunnelTest.b(0)))
                .s(ProxyTunnelTest.b(0, 0x5a, 0, 0, 0, 0, 0, 0)))));
        l.add(Arguments.of("refused tunnel", new Harness().c("CONNECT mx:25 HTTP/1.1\r\n\r\n").s("HTTP/1.1 403 no\r\n\r\n220 x\r\n")));
        return l.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sessions")
    void sameEventsHoweverTheBytesAreCut(String name, Harness h) {
        Harness.Run whole = h.run();
        assertThat(whole.stats.get(SmtpCounter.INTERNAL_ERRORS)).isZero();
        assertThat(h.runByteAtATime().events).isEqualTo(whole.events);
        for (int seed = 0; seed < 20; seed++) {
            assertThat(h.runRandomSplits(new Random(seed)).events).as("seed %d", seed).isEqualTo(whole.events);
        }
    }
}
