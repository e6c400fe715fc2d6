package io.mailtap.smtp;

import io.mailtap.flow.ClientBy;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.mailtap.smtp.ProxyTunnelTest.PASSWORD;
import static io.mailtap.smtp.ProxyTunnelTest.b;
import static io.mailtap.smtp.ProxyTunnelTest.cat;
import static org.assertj.core.api.Assertions.assertThat;

/** The smtp.jsonl line names the anomalies that affected it, says when its counts are capped, and names a proxy tunnel. */
class TransactionAnomaliesTest {
    private static final String GREETING = "220 mx.example.com ESMTP\r\n";

    @Test
    void aPipelineOverflowCapsTheCountsOfItsTransactionOnly() {
        SmtpSettings s = new SmtpSettings(4096, 4096, 2, 100, 8);
        Harness.Run r = new Harness(s, ClientBy.SYN).s(GREETING).c("EHLO a\r\n").s("250 hi\r\n")
                .c("MAIL FROM:<m@x>\r\n").s("250 ok\r\n")
                .c("RCPT TO:<1@x>\r\nRCPT TO:<2@x>\r\nRCPT TO:<3@x>\r\nRCPT TO:<4@x>\r\n")
                .s("250 ok\r\n250 ok\r\n250 ok\r\n250 ok\r\n")
                .c("RSET\r\n").s("250 reset\r\n")
                .c("MAIL FROM:<m@x>\r\n").s("250 ok\r\n")
                .c("RCPT TO:<5@x>\r\n").s("250 ok\r\n")
                .c("QUIT\r\n").s("221 bye\r\n")
                .run();
        List<TransactionRecord> t = r.records();
        assertThat(t).hasSize(2);
        // Four RCPTs were accepted on the wire; two were given up at the cap, so 2 is a lower bound.
        assertThat(t.get(0).rcptAccepted()).isEqualTo(2);
        assertThat(t.get(0).countsCapped()).isTrue();
        assertThat(t.get(0).anomalies()).containsExactly(Anomaly.PIPELINE_OVERFLOW);
        assertThat(t.get(1).countsCapped()).isFalse();
        assertThat(t.get(1).anomalies()).isEmpty();
        assertThat(r.anomalyKinds()).containsExactly("pipeline_overflow");
    }

    @Test
    void aRepeatedOnceAKindStillMarksEveryTransactionItHits() {
        SmtpSettings s = new SmtpSettings(4096, 4096, 1, 100, 8);
        Harness.Run r = new Harness(s, ClientBy.SYN).s(GREETING).c("EHLO a\r\n").s("250 hi\r\n")
                .c("MAIL FROM:<m@x>\r\nRCPT TO:<1@x>\r\n").s("250 ok\r\n250 ok\r\n")
                .c("RSET\r\n").s("250 reset\r\n")
                .c("MAIL FROM:<m@x>\r\nRCPT TO:<2@x>\r\n").s("250 ok\r\n250 ok\r\n")
                .c("QUIT\r\n").s("221 bye\r\n")
                .run();
        assertThat(r.anomalyKinds()).containsExactly("pipeline_overflow"); // reported once per connection
        assertThat(r.records()).allSatisfy(t -> assertThat(t.countsCapped()).isTrue());
    }

    @Test
    void theRcptListCapIsFlagged() {
        SmtpSettings s = new SmtpSettings(4096, 4096, 256, 1, 8);
        Harness.Run r = new Harness(s, ClientBy.SYN).s(GREETING).c("HELO h\r\n").s("250 hi\r\n")
                .c("MAIL FROM:<a@x>\r\n").s("250 ok\r\n")
                .c("RCPT TO:<1@x>\r\n").s("250 ok\r\n")
                .c("RCPT TO:<2@x>\r\n").s("250 ok\r\n")
                .c("QUIT\r\n").s("221 bye\r\n")
                .run();
        assertThat(r.record().rcptDropped()).isEqualTo(1);
        assertThat(r.record().countsCapped()).isTrue();
        assertThat(r.record().anomalies()).isEmpty();
    }

    @Test
    void anAnomalyBeforeMailIsNamedByTheFirstLineOnly() {
        SmtpSettings s = new SmtpSettings(16, 4096, 256, 100, 8);
        Harness.Run r = new Harness(s, ClientBy.SYN).s(GREETING).c("EHLO a-very-long-client-name.example\r\n").s("250 hi\r\n")
                .c("MAIL FROM:<m@x>\r\n").s("250 ok\r\n")
                .c("RSET\r\n").s("250 reset\r\n")
                .c("MAIL FROM:<n@x>\r\n").s("250 ok\r\n")
                .c("QUIT\r\n").s("221 bye\r\n")
                .run();
        assertThat(r.records()).extracting(TransactionRecord::anomalies)
                .containsExactly(List.of(Anomaly.LINE_TOO_LONG), List.of());
        assertThat(r.records()).noneMatch(TransactionRecord::countsCapped);
    }

    @Test
    void aCleanSessionNamesNothing() {
        Harness.Run r = new Harness().s(GREETING).c("HELO h\r\n").s("250 hi\r\n").c("QUIT\r\n").s("221 bye\r\n").run();
        assertThat(r.record().anomalies()).isEmpty();
        assertThat(r.record().countsCapped()).isFalse();
        assertThat(r.record().proxyTunnel()).isNull();
    }

    @Test
    void aProxyTunnelIsInEveryLineOfItsConnectionWithoutThePassword() {
        byte[] auth = cat(b(1, 5), "alice", b(PASSWORD.length()), PASSWORD);
        Harness h = new Harness().c(b(5, 2, 0, 2)).s(b(5, 2)).c(auth).s(b(1, 0))
                .c(cat(b(5, 1, 0, 1, 192, 0, 2, 25), b(0, 25))).s(ProxyTunnelTest.SOCKS5_OK)
                .s(GREETING).c("EHLO relay\r\n").s("250 mx\r\n")
                .c("MAIL FROM:<a@x>\r\n").s("250 ok\r\n").c("RSET\r\n").s("250 ok\r\n")
                .c("MAIL FROM:<b@x>\r\n").s("250 ok\r\n").c("QUIT\r\n").s("221 bye\r\n");
        Harness.Run r = h.run();
        assertThat(r.records()).hasSize(2).allSatisfy(t -> {
            assertThat(t.proxyTunnel()).isEqualTo("socks5 to 192.0.2.25:25 user alice");
            assertThat(t.toString()).doesNotContain(PASSWORD);
        });
        assertThat(r.records()).extracting(TransactionRecord::anomalies)
                .containsExactly(List.of(Anomaly.PROXY_TUNNEL), List.of());
    }
}
