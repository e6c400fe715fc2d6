package io.mailtap.smtp;

import io.mailtap.flow.ClientBy;
import io.mailtap.flow.ConnState;
import io.mailtap.flow.EndReason;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seeded random input: random bytes, and random mixes of SMTP fragments, gaps and garbage. The
 * session must never throw, never hit its internal-error guard, always end with exactly one
 * ConnectionEnd, and never buffer more than its caps.
 */
class FuzzTest {
    static final String[] CLIENT = {
        "EHLO x\r\n", "HELO\r\n", "MAIL FROM:<>\r\n", "MAIL FROM:<a@b> SIZE=1\r\n", "RCPT TO:<c@d>\r\n", "DATA\r\n",
        "BDAT 3\r\n", "BDAT 0 LAST\r\n", "BDAT 5 X\r\n", "BDAT 99999999999999999999\r\n", "RSET\r\n", "QUIT\r\n",
        "STARTTLS\r\n", "AUTH LOGIN\r\n", "AUTH PLAIN\r\n", "AUTH PLAIN AHUAcA==\r\n", "AUTH CRAM-MD5\r\n", "*\r\n",
        "dXNlcg==\r\n", ".\r\n", "..\r\n", "text\r\n", "\r\n", "\n", ".", "\r", "NOOP\r\n", "GET / HTTP/1.1\r\n",
        "\u0016\u0003\u0001", "\u0000\u0001\u00ff",
    };
    static final String[] SERVER = {
        "220 hi\r\n", "250 ok\r\n", "250-a\r\n", "250 b\r\n", "354 go\r\n", "334 \r\n", "334 VXNlcm5hbWU6\r\n",
        "334 UGFzc3dvcmQ6\r\n", "235 ok\r\n", "535 no\r\n", "220 tls\r\n", "421 bye\r\n", "503 seq\r\n", "554 no\r\n",
        "500 what\r\n", "25", "0 split\r\n", "junk line\r\n", "\u0016\u0003\u0003",
    };

    @Test
    void randomBytes() {
        Random rnd = new Random(20261124L);
        for (int run = 0; run < 300; run++) {
            SmtpSettings s = new SmtpSettings(1 + rnd.nextInt(200), 1 + rnd.nextInt(200), 1 + rnd.nextInt(8), rnd.nextInt(5), 1 + rnd.nextInt(4));
            drive(rnd, s, () -> {
                byte[] b = new byte[rnd.nextInt(300)];
                rnd.nextBytes(b);
                return b;
            }, () -> {
                byte[] b = new byte[rnd.nextInt(300)];
                rnd.nextBytes(b);
                return b;
            });
        }
    }

    @Test
    void randomSmtpFragments() {
        Random rnd = new Random(4242L);
        for (int run = 0; run < 2000; run++) {
            SmtpSettings s = new SmtpSettings(8 + rnd.nextInt(64), 8 + rnd.nextInt(64), 1 + rnd.nextInt(6), rnd.nextInt(4), 1 + rnd.nextInt(3));
            drive(rnd, s, () -> pick(rnd, CLIENT), () -> pick(rnd, SERVER));
        }
    }

    private static byte[] pick(Random rnd, String[] parts) {
        StringBuilder sb = new StringBuilder();
        int n = 1 + rnd.nextInt(4);
        for (int i = 0; i < n; i++) sb.append(parts[rnd.nextInt(parts.length)]);
        return sb.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static void drive(Random rnd, SmtpSettings s, java.util.function.Supplier<byte[]> client,
                              java.util.function.Supplier<byte[]> server) {
        SmtpStats stats = new SmtpStats();
        List<SmtpEvent> events = new ArrayList<>();
        ClientBy by = rnd.nextBoolean() ? ClientBy.SYN : ClientBy.PORT;
        SmtpSession session = new SmtpSession(Harness.connection(by), s, stats, events::add);
        long ts = Harness.START;
        int steps = rnd.nextInt(40);
        for (int i = 0; i < steps; i++) {
            ts += rnd.nextInt(1000);
            int what = rnd.nextInt(10);
            if (what < 5) {
                byte[] b = client.get();
                session.onClientData(b, 0, b.length, ts);
            } else if (what < 9) {
                byte[] b = server.get();
                session.onServerData(b, 0, b.length, ts);
            } else {
                session.onGap(rnd.nextBoolean(), 1 + rnd.nextInt(5000), ts);
            }
        }
        session.onEnd(ConnState.CLOSED, EndReason.RST, ts + 1);
        session.onClientData(new byte[] {'X'}, 0, 1, ts + 2); // after the end: ignored
        assertThat(stats.get(SmtpCounter.INTERNAL_ERRORS)).as("internal errors, events %s", events).isZero();
        assertThat(events.stream().filter(e -> e instanceof SmtpEvent.ConnectionEnd).count()).isEqualTo(1);
        assertThat(events.get(events.size() - 1)).isInstanceOf(SmtpEvent.ConnectionEnd.class);
        assertThat(events.stream().filter(e -> e instanceof SmtpEvent.Transaction).count()).isGreaterThanOrEqualTo(1);
        for (SmtpEvent e : events) {
            if (e instanceof SmtpEvent.Transaction) {
                TransactionRecord t = ((SmtpEvent.Transaction) e).record();
                assertThat(t.rcptTo().size()).isLessThanOrEqualTo(s.maxRcptPerTransaction());
                assertThat(t.messageBytes()).isNotNegative();
                assertThat(t.clientBy()).isNotNull();
                assertThat(t.messageStatus()).isNotNull();
            }
        }
    }
}
