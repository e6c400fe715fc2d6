package io.mailtap.smtp;

import io.mailtap.smtp.SmtpEvent.Auth;
import io.mailtap.smtp.SmtpEvent.AuthResult;
import io.mailtap.smtp.SmtpEvent.ConnectionEnd;
import io.mailtap.smtp.SmtpEvent.MailFrom;
import io.mailtap.smtp.SmtpEvent.Rcpt;
import io.mailtap.flow.ClientBy;
import io.mailtap.flow.ConnState;
import io.mailtap.flow.EndReason;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.mailtap.smtp.Auths.b64;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * One-way captures (issue 8 item 11): a mirror that carries the client's bytes only, or the
 * server's only. Each Harness step is its own packet time, as on the wire, where a client that
 * waits for a reply sends its next command in a later packet.
 */
class OneWayTest {
    static final String PW = "S3cret-mallory-pw";

    /** EHLO, AUTH PLAIN with the initial response, one null-sender message, QUIT: client bytes only. */
    static Harness clientOnlyPlain(String user) {
        return new Harness()
                .c("EHLO ws1.corp.example\r\n")
                .c("AUTH PLAIN " + b64("\0" + user + "\0" + PW) + "\r\n")
                .c("MAIL FROM:<>\r\nRCPT TO:<victim@example.net>\r\nDATA\r\n")
                .c("Subject: x\r\n\r\nbody\r\n.\r\n")
                .c("QUIT\r\n");
    }

    @Test
    void mailFromAfterAuthProvesTheLogin() {
        Harness.Run r = clientOnlyPlain("mallory").run();

        Auth a = r.one(Auth.class);
        assertThat(a.user()).isEqualTo("mallory");
        assertThat(a.result()).isEqualTo(AuthResult.SUCCESS);
        assertThat(a.inferred()).isTrue();
        assertThat(a.replyCode()).isZero();
        // The account rules key on these: the inferred login is the session's identity.
        assertThat(r.one(MailFrom.class).authUser()).isEqualTo("mallory");
        assertThat(r.one(Rcpt.class).authUser()).isEqualTo("mallory");

        TransactionRecord t = r.record();
        assertThat(t.oneWay()).isEqualTo("client_only");
        assertThat(t.authUser()).isEqualTo("mallory");
        assertThat(t.authResult()).isEqualTo("success");
        assertThat(t.authResultInferred()).isTrue();
        assertThat(t.mailFrom()).isEqualTo("<>");
        assertThat(t.rcptTo()).containsExactly("<victim@example.net>");
        assertThat(t.rcptAccepted()).as("no reply seen: neither accepted nor rejected").isZero();
        assertThat(t.messageStatus()).isEqualTo(MessageStatus.UNKNOWN);
        assertThat(t.lastReply()).isNull();

        assertThat(r.one(ConnectionEnd.class).oneWay()).isEqualTo("client_only");
        assertThat(r.stats.get(SmtpCounter.ONE_WAY_CLIENT_ONLY)).isEqualTo(1);
        assertThat(r.stats.get(SmtpCounter.AUTH_INFERRED)).isEqualTo(1);
        assertThat(r.stats.auth(AuthMechanism.PLAIN, AuthResult.SUCCESS)).isEqualTo(1);
        assertThat(r.stats.get(SmtpCounter.PIPELINE_OVERFLOW)).isZero();
        assertThat(r.anomalyKinds()).containsExactly("one_way");
    }

    @Test
    void aNewAuthProvesTheEarlierOneFailedAndLoginIsDecodedByPositionOnly() {
        Harness.Run r = new Harness()
                .c("EHLO ws2.corp.example\r\n")
                .c("AUTH LOGIN\r\n")
                .c(b64("alice") + "\r\n")
                .c(b64("wrong-" + PW) + "\r\n")
                .c("AUTH LOGIN\r\n")
                .c(b64("guest") + "\r\n")
                .c(b64(PW) + "\r\n")
                .c("MAIL FROM:<guest@corp.example>\r\n")
                .c("QUIT\r\n")
                .run();
        List<Auth> auths = r.all(Auth.class);
        assertThat(auths).extracting(Auth::user).containsExactly("alice", "guest");
        assertThat(auths).extracting(Auth::result).containsExactly(AuthResult.FAILURE, AuthResult.SUCCESS);
        assertThat(auths).extracting(Auth::inferred).containsExactly(true, true);
        assertThat(r.one(MailFrom.class).authUser()).isEqualTo("guest");
        assertThat(r.stats.commands(SmtpVerb.UNKNOWN)).as("no SASL line parsed as a command").isZero();
        assertThat(r.record().authUser()).isEqualTo("guest");
        assertThat(r.record().authResultInferred()).isTrue();
        for (Harness.Run run : List.of(r, new Harness().c("EHLO x\r\n").c("AUTH LOGIN\r\n").c(b64("u") + "\r\n")
                .c(b64(PW) + "\r\n").c("MAIL FROM:<a@b>\r\n").runRandomSplits(new Random(3)))) {
            assertThat(run.dump()).doesNotContain(PW).doesNotContain(b64(PW));
        }
    }

    @Test
    void authFollowedByQuitProvesNothing() {
        Harness.Run r = new Harness()
                .c("EHLO ws2.corp.example\r\n")
                .c("AUTH PLAIN " + b64("\0alice\0" + PW) + "\r\n")
                .c("QUIT\r\n")
                .run();
        Auth a = r.one(Auth.class);
        assertThat(a.user()).isEqualTo("alice");
        assertThat(a.result()).isEqualTo(AuthResult.UNKNOWN);
        assertThat(a.inferred()).isFalse();
        assertThat(r.record().authResult()).isEqualTo("unknown");
        assertThat(r.record().oneWay()).isEqualTo("client_only");
        assertThat(r.stats.get(SmtpCounter.AUTH_INFERRED)).isZero();
    }

    @Test
    void aCancelledExchangeIsAFailure() {
        Harness.Run r = new Harness().c("EHLO x\r\n").c("AUTH LOGIN\r\n").c("*\r\n").c("MAIL FROM:<a@b>\r\n").run();
        Auth a = r.one(Auth.class);
        assertThat(a.result()).isEqualTo(AuthResult.FAILURE);
        assertThat(a.inferred()).isTrue();
        assertThat(r.one(MailFrom.class).authUser()).isNull();
    }

    @Test
    void aMultiStepMechanismsResponsesAreNotCommands() {
        // SCRAM: client-first in the initial response, client-final after a challenge we never see.
        Harness.Run r = new Harness()
                .c("EHLO x\r\n")
                .c("AUTH SCRAM-SHA-1 biwsbj11c2VyLHI9ZnlrbytkMmxiYkZnT05Sdjlxa3hkYXdM\r\n")
                .c("Yz1iaXdzLHI9ZnlrbytkMmxiYkZnT05Sdjlxa3hkYXdMM3JmY05IWUpZMVpWdldWczdqLHA9djBYOHYzQnoyVDBDSkdiSlF5RjBYK0hJNFRzPQ==\r\n")
                .c("MAIL FROM:<a@b>\r\n")
                .run();
        assertThat(r.stats.commands(SmtpVerb.UNKNOWN)).isZero();
        Auth a = r.one(Auth.class);
        assertThat(a.mechanism()).isEqualTo("SCRAM-SHA-1");
        assertThat(a.result()).isEqualTo(AuthResult.SUCCESS);
        assertThat(a.inferred()).isTrue();
    }

    @Test
    void starttlsFollowedByTlsWasAccepted() {
        Harness.Run r = new Harness()
                .c("EHLO x\r\n")
                .c("STARTTLS\r\n")
                .c(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc})
                .run();
        assertThat(r.record().tls()).isTrue();
        assertThat(r.record().oneWay()).isEqualTo("client_only");
        assertThat(r.anomalyKinds()).containsExactly("one_way");
    }

    @Test
    void aConnectionWithoutAnyServerByteIsClientOnlyAtItsEnd() {
        // One burst, so nothing proved a reply was missed before the end; the end does.
        Harness.Run r = new Harness().c("EHLO x\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nQUIT\r\n").run();
        assertThat(r.record().oneWay()).isEqualTo("client_only");
        assertThat(r.record().rcptTo()).containsExactly("<c@d>");
        assertThat(r.one(ConnectionEnd.class).oneWay()).isEqualTo("client_only");
    }

    @Test
    void twoWaySessionsAreNotOneWay() {
        Harness.Run r = SmtpSessionTest.greeted().c("AUTH PLAIN " + b64("\0alice\0" + PW) + "\r\n").s("535 no\r\n")
                .c("MAIL FROM:<a@b>\r\n").s("250 ok\r\n").c("QUIT\r\n").s("221 bye\r\n").run();
        assertThat(r.one(Auth.class).result()).isEqualTo(AuthResult.FAILURE);
        assertThat(r.one(Auth.class).inferred()).isFalse();
        assertThat(r.record().oneWay()).isNull();
        assertThat(r.record().authResultInferred()).isFalse();
        assertThat(r.one(MailFrom.class).authUser()).as("a refused AUTH is no identity, whatever follows").isNull();
        assertThat(r.stats.get(SmtpCounter.ONE_WAY_CLIENT_ONLY) + r.stats.get(SmtpCounter.ONE_WAY_SERVER_ONLY)).isZero();
    }

    @Test
    void serverOnlyKnowsReplyCodesOnly() {
        Harness.Run r = new Harness().s("220 mx ESMTP\r\n").s("250 mx\r\n").s("235 2.7.0 ok\r\n")
                .s("250 ok\r\n").s("250 ok\r\n").s("354 go\r\n").s("250 queued\r\n").s("221 bye\r\n").run();
        TransactionRecord t = r.record();
        assertThat(t.oneWay()).isEqualTo("server_only");
        assertThat(t.helo()).isNull();
        assertThat(t.mailFrom()).isNull();
        assertThat(t.authUser()).isNull();
        assertThat(t.messageStatus()).isEqualTo(MessageStatus.NONE);
        assertThat(t.lastReply()).isEqualTo("221 bye");
        assertThat(r.one(ConnectionEnd.class).oneWay()).isEqualTo("server_only");
        assertThat(r.stats.get(SmtpCounter.ONE_WAY_SERVER_ONLY)).isEqualTo(1);
        assertThat(r.anomalyKinds()).containsExactly("one_way");
    }

    /**
     * suricata-verify smtp-quit: the server's SYN/ACK and FIN are captured, it sent no byte of
     * SMTP, the client only "QUIT". Both directions are on the capture: not one-way.
     */
    @Test
    void aSilentServerWhosePacketsWereCapturedIsNotOneWay() {
        for (boolean serverPackets : new boolean[] {true, false}) {
            List<SmtpEvent> events = new ArrayList<>();
            SmtpStats stats = new SmtpStats();
            SmtpSession s = new SmtpSession(Harness.connection(ClientBy.SYN), SmtpSettings.defaults(), stats, events::add);
            byte[] quit = "QUIT\r\n".getBytes(StandardCharsets.US_ASCII);
            s.onClientData(quit, 0, quit.length, Harness.START + 1000);
            s.onEnd(ConnState.CLOSED, EndReason.RST, Harness.START + 2000, serverPackets);
            ConnectionEnd end = events.stream().filter(ConnectionEnd.class::isInstance).map(ConnectionEnd.class::cast)
                    .findFirst().orElseThrow();
            assertThat(end.oneWay()).as("server packets seen: %s", serverPackets).isEqualTo(serverPackets ? null : "client_only");
            assertThat(stats.get(SmtpCounter.ONE_WAY_CLIENT_ONLY)).isEqualTo(serverPackets ? 0 : 1);
        }
    }
}
