package io.mailtap.smtp;

import io.mailtap.flow.ClientBy;
import io.mailtap.smtp.SmtpEvent.Auth;
import io.mailtap.smtp.SmtpEvent.AuthResult;
import io.mailtap.smtp.SmtpEvent.ConnectionEnd;
import io.mailtap.smtp.SmtpEvent.Greeting;
import io.mailtap.smtp.SmtpEvent.Helo;
import io.mailtap.smtp.SmtpEvent.MailFrom;
import io.mailtap.smtp.SmtpEvent.Rcpt;
import io.mailtap.smtp.SmtpEvent.StartTls;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Behaviour of one SMTP connection, scenario by scenario (RFC 5321, 2920, 3030, 3207). */
class SmtpSessionTest {
    static final String GREETING = "220 mx.example.com ESMTP\r\n";
    static final String EHLO_REPLY = "250-mx.example.com\r\n250-PIPELINING\r\n250-CHUNKING\r\n250 8BITMIME\r\n";

    static Harness greeted() {
        return new Harness().s(GREETING).c("EHLO client.example.org\r\n").s(EHLO_REPLY);
    }

    @Test
    void simpleSessionGivesOneCompleteRecord() {
        Harness.Run r = greeted()
                .c("MAIL FROM:<alice@example.org>\r\n").s("250 2.1.0 Ok\r\n")
                .c("RCPT TO:<bob@example.com>\r\n").s("250 2.1.5 Ok\r\n")
                .c("DATA\r\n").s("354 End data with <CR><LF>.<CR><LF>\r\n")
                .c("Subject: hi\r\n\r\nHello\r\n..dot\r\n.\r\n").s("250 2.0.0 Ok: queued as X1\r\n")
                .c("QUIT\r\n").s("221 2.0.0 Bye\r\n")
                .run();

        Greeting g = r.one(Greeting.class);
        assertThat(g.code()).isEqualTo(220);
        assertThat(g.text()).isEqualTo("mx.example.com ESMTP");
        assertThat(r.one(Helo.class)).extracting(Helo::verb, Helo::argument, Helo::replyCode)
                .containsExactly("EHLO", "client.example.org", 250);
        MailFrom m = r.one(MailFrom.class);
        assertThat(m.argument()).isEqualTo("<alice@example.org>");
        assertThat(m.nullSender()).isFalse();
        assertThat(m.replyCode()).isEqualTo(250);
        assertThat(m.replyText()).isEqualTo("2.1.0 Ok");
        assertThat(m.helo()).isEqualTo("client.example.org");
        Rcpt rc = r.one(Rcpt.class);
        assertThat(rc.mailFrom()).isEqualTo("<alice@example.org>");
        assertThat(rc.helo()).isEqualTo("client.example.org");

        TransactionRecord t = r.record();
        assertThat(t.tsMicros()).isEqualTo(Harness.START);
        assertThat(t.transDepth()).isEqualTo(1);
        assertThat(t.helo()).isEqualTo("client.example.org");
        assertThat(t.authMech()).isNull();
        assertThat(t.authUser()).isNull();
        assertThat(t.authResult()).isNull();
        assertThat(t.mailFrom()).isEqualTo("<alice@example.org>");
        assertThat(t.mailParams()).isNull();
        assertThat(t.nullSender()).isFalse();
        assertThat(t.rcptTo()).containsExactly("<bob@example.com>");
        assertThat(t.rcptAccepted()).isEqualTo(1);
        assertThat(t.rcptRejected()).isZero();
        assertThat(t.rcptDropped()).isZero();
        assertThat(t.messageStatus()).isEqualTo(MessageStatus.ACCEPTED);
        // "Subject: hi\r\n" + "\r\n" + "Hello\r\n" + ".dot\r\n" (the stuffed dot removed)
        assertThat(t.messageBytes()).isEqualTo(13 + 2 + 7 + 6);
        assertThat(t.lastReply()).isEqualTo("250 2.0.0 Ok: queued as X1");
        assertThat(t.tls()).isFalse();
        assertThat(t.gaps()).isFalse();
        assertThat(t.clientBy()).isEqualTo("syn");

        ConnectionEnd end = r.one(ConnectionEnd.class);
        assertThat(end.smtpSeen()).isTrue();
        assertThat(end.tls()).isFalse();
        assertThat(r.events.get(r.events.size() - 1)).isInstanceOf(ConnectionEnd.class);
        assertThat(r.anomalyKinds()).isEmpty();
        assertThat(r.rejections()).isEmpty();
        assertThat(r.stats.commands(SmtpVerb.EHLO)).isEqualTo(1);
        assertThat(r.stats.commands(SmtpVerb.QUIT)).isEqualTo(1);
        assertThat(r.stats.replies(2)).isEqualTo(6);
        assertThat(r.stats.replies(3)).isEqualTo(1);
        assertThat(r.stats.get(SmtpCounter.TRANSACTIONS)).isEqualTo(1);
        assertThat(r.stats.get(SmtpCounter.MAIL_FROM)).isEqualTo(1);
        assertThat(r.stats.get(SmtpCounter.RCPT_ACCEPTED)).isEqualTo(1);
        assertThat(r.stats.get(SmtpCounter.UNPAIRED_REPLIES)).isZero();
    }

    @Test
    void multiLineReplySplitAcrossCallsIsOneReply() {
        Harness.Run r = new Harness().s(GREETING).c("EHLO a\r\n")
                .s("250-mx\r\n250-PIPE").s("LINING\r\n25").s("0 SIZE 100\r\n")
                .c("NOOP\r\n").s("250-first\r\n250\r\n") // final line with no text at all
                .c("MAIL FROM:<a@b>\r\n").s("250 ok\r\n")
                .run();
        assertThat(r.one(Helo.class).replyCode()).isEqualTo(250);
        assertThat(r.one(MailFrom.class).replyCode()).isEqualTo(250);
        assertThat(r.stats.get(SmtpCounter.UNPAIRED_REPLIES)).isZero();
        assertThat(r.stats.replies(2)).isEqualTo(4); // greeting, EHLO, NOOP, MAIL
    }

    @Nested
    class Pipelining {
        @Test
        void commandsAndRepliesInOneWriteEach() {
            Harness.Run r = greeted()
                    .c("MAIL FROM:<a@x.org>\r\nRCPT TO:<b@y.org>\r\nRCPT TO:<c@z.org>\r\nDATA\r\n")
                    .s("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n550 5.1.1 <c@z.org>: Recipient address rejected\r\n354 go\r\n")
                    .c("Subject: x\r\n\r\nbody\r\n.\r\n").s("250 2.0.0 queued\r\n")
                    .run();
            List<Rcpt> rcpts = r.all(Rcpt.class);
            assertThat(rcpts).extracting(Rcpt::argument, Rcpt::replyCode)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("<b@y.org>", 250),
                            org.assertj.core.groups.Tuple.tuple("<c@z.org>", 550));
            assertThat(r.rejections()).containsExactly("RCPT 550");
            TransactionRecord t = r.record();
            assertThat(t.rcptTo()).containsExactly("<b@y.org>", "<c@z.org>");
            assertThat(t.rcptAccepted()).isEqualTo(1);
            assertThat(t.rcptRejected()).isEqualTo(1);
            assertThat(t.messageStatus()).isEqualTo(MessageStatus.ACCEPTED);
            assertThat(r.stats.get(SmtpCounter.RCPT_REJECTED)).isEqualTo(1);
        }

        @Test
        void messageInTheSameWriteAsData() {
            // As suricata-verify smtp-pipelining: the client does not wait for the 354.
            Harness.Run r = greeted()
                    .c("MAIL FROM:<u@d.com>\r\nRCPT TO:<j@e.com>\r\nDATA\r\nThis is a test\r\n.\r\n")
                    .s("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 End data\r\n250 2.0.0 Ok: queued\r\n")
                    .run();
            TransactionRecord t = r.record();
            assertThat(t.messageStatus()).isEqualTo(MessageStatus.ACCEPTED);
            assertThat(t.messageBytes()).isEqualTo("This is a test\r\n".length());
            assertThat(t.lastReply()).isEqualTo("250 2.0.0 Ok: queued");
            assertThat(r.stats.commands(SmtpVerb.UNKNOWN)).isZero();
            assertThat(r.stats.get(SmtpCounter.UNPAIRED_REPLIES)).isZero();
        }

        @Test
        void commandsPipelinedAfterTheEndOfDataDotAreCommands() {
            Harness.Run r = greeted()
                    .c("MAIL FROM:<a@x>\r\n").s("250 ok\r\n")
                    .c("RCPT TO:<b@x>\r\n").s("250 ok\r\n")
                    .c("DATA\r\n").s("354 go\r\n")
                    .c("Subject: one\r\n\r\nfirst\r\n.\r\nRSET\r\nMAIL FROM:<second@x>\r\nRCPT TO:<c@x>\r\nDATA\r\n")
                    .s("250 queued 1\r\n250 reset\r\n250 ok\r\n250 ok\r\n354 go\r\n")
                    .c("Subject: two\r\n\r\nsecond\r\n.\r\n").s("250 queued 2\r\n")
                    .c("QUIT\r\n").s("221 bye\r\n")
                    .run();
            List<TransactionRecord> recs = r.records();
            assertThat(recs).hasSize(2);
            assertThat(recs.get(0).mailFrom()).isEqualTo("<a@x>");
            assertThat(recs.get(0).messageStatus()).isEqualTo(MessageStatus.ACCEPTED);
            assertThat(recs.get(0).lastReply()).isEqualTo("250 queued 1");
            assertThat(recs.get(1).mailFrom()).isEqualTo("<second@x>");
            assertThat(recs.get(1).transDepth()).isEqualTo(2);
            assertThat(recs.get(1).rcptTo()).containsExactly("<c@x>");
            assertThat(recs.get(1).messageStatus()).isEqualTo(MessageStatus.ACCEPTED);
            assertThat(recs.get(1).lastReply()).isEqualTo("250 queued 2");
            // Later transactions start at their MAIL FROM, not at the connection's first packet.
            assertThat(recs.get(1).tsMicros()).isGreaterThan(Harness.START);
            assertThat(r.stats.get(SmtpCounter.UNPAIRED_REPLIES)).isZero();
        }

        @Test
        void earlyTalkerCommandsWaitForTheGreeting() {
            Harness.Run r = new Harness()
                    .c("EHLO early.example\r\nMAIL FROM:<x@y>\r\nRCPT TO:<z@w>\r\n")
                    .s("220 slow.example ESMTP\r\n250 hello\r\n250 ok\r\n250 ok\r\n")
                    .run();
            assertThat(r.one(Greeting.class).code()).isEqualTo(220);
            assertThat(r.one(Helo.class).replyCode()).isEqualTo(250);
            assertThat(r.one(MailFrom.class).replyCode()).isEqualTo(250);
            assertThat(r.one(Rcpt.class).replyCode()).isEqualTo(250);
            assertThat(r.anomalyKinds()).isEmpty();
        }

        @Test
        void missingGreetingPairsTheFirstReplyWithTheCommand() {
            // suricata-verify smtp-rset-starttls: the capture starts with the client's EHLO.
            Harness.Run r = new Harness().c("EHLO\r\n").s("250\r\n").c("rset\r\nNOOP\r\n").s("250\r\n250\r\n").run();
            assertThat(r.all(Greeting.class)).isEmpty();
            assertThat(r.one(Helo.class)).extracting(Helo::argument, Helo::replyCode).containsExactly("", 250);
            assertThat(r.anomalyKinds()).containsExactly("no_greeting");
            assertThat(r.stats.get(SmtpCounter.UNPAIRED_REPLIES)).isZero();
        }

        @Test
        void aReplyOnlyAuthOrDataCanGetSkipsCommandsThatWereNeverAnswered() {
            Harness.Run r = new Harness().s(GREETING)
                    .c("EHLO x\r\nAUTH LOGIN\r\n").s("334 VXNlcm5hbWU6\r\n") // the EHLO reply never came
                    .c(Auths.b64("u") + "\r\n").s("334 UGFzc3dvcmQ6\r\n").c(Auths.b64("p") + "\r\n").s("235 ok\r\n")
                    .c("MAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\nDATA\r\n").s("250 ok\r\n354 go\r\n")
                    .c("x\r\n.\r\n").s("250 queued\r\n")
                    .run();
            assertThat(r.one(Helo.class).replyCode()).isZero();
            assertThat(r.one(Auth.class)).extracting(Auth::user, Auth::result).containsExactly("u", AuthResult.SUCCESS);
            assertThat(r.one(Rcpt.class).replyCode()).isZero();
            assertThat(r.record().messageStatus()).isEqualTo(MessageStatus.ACCEPTED);
            assertThat(r.anomalyKinds()).containsExactly("reply_skipped_commands", "reply_skipped_commands");
            assertThat(r.stats.get(SmtpCounter.UNPAIRED_REPLIES)).isZero();
        }

        @Test
        void overflowGivesUpOnTheOldestCommandAndItsReply() {
            SmtpSettings s = new SmtpSettings(4096, 4096, 2, 100, 8);
            Harness.Run r = new Harness(s, ClientBy.SYN).s(GREETING)
                    .c("HELO a\r\nNOOP\r\nNOOP\r\nMAIL FROM:<m@x>\r\n")
                    .s("250 hi\r\n250 noop\r\n250 noop\r\n251 mail ok\r\n")
                    .run();
            assertThat(r.stats.get(SmtpCounter.PIPELINE_OVERFLOW)).isEqualTo(2);
            assertThat(r.anomalyKinds()).containsExactly("pipeline_overflow"); // reported once, counted always
            // What the operator reads in anomalies.jsonl.
            assertThat(r.one(SmtpEvent.Anomaly.class).detail()).isEqualTo("more than 2 commands awaiting replies");
            assertThat(r.one(Helo.class).replyCode()).isZero(); // given up on
            assertThat(r.one(MailFrom.class).replyCode()).isEqualTo(251); // still paired right
        }
    }

    @Nested
    class MailFromParsing {
        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
            "MAIL FROM:<>|<>|",
            "MAIL FROM: <>|<>|",
            "MAIL FROM:<> SIZE=10|<>|SIZE=10",
            "MAIL FROM:<> SIZE=10 BODY=8BITMIME|<>|SIZE=10 BODY=8BITMIME",
            "mail from:<>|<>|",
            "Mail From:   <>   |<>|",
        })
        void nullSenderVariants(String line, String argument, String params) {
            Harness.Run r = greeted().c(line + "\r\n").s("250 ok\r\n").run();
            MailFrom m = r.one(MailFrom.class);
            assertThat(m.nullSender()).isTrue();
            assertThat(m.argument()).isEqualTo(argument);
            assertThat(m.params()).isEqualTo(params);
            TransactionRecord t = r.record();
            assertThat(t.nullSender()).isTrue();
            assertThat(t.mailFrom()).isEqualTo("<>");
            assertThat(r.stats.get(SmtpCounter.NULL_SENDER)).isEqualTo(1);
        }

        @ParameterizedTest
        @CsvSource(delimiter = '|', value = {
            "MAIL FROM:a@b|a@b|",
            "MAIL FROM: xH@xH.com|xH@xH.com|",
            "MAIL FROM:random@example.com SIZE=5|random@example.com|SIZE=5",
            "MAIL FROM:<\"odd>local\"@x.org> SIZE=5|<\"odd>local\"@x.org>|SIZE=5",
            "MAIL FROM:<a@b.c> BODY=8BITMIME SIZE=99|<a@b.c>|BODY=8BITMIME SIZE=99",
        })
        void pathsAreKeptAsSent(String line, String argument, String params) {
            MailFrom m = greeted().c(line + "\r\n").s("250 ok\r\n").run().one(MailFrom.class);
            assertThat(m.argument()).isEqualTo(argument);
            assertThat(m.params()).isEqualTo(params);
            assertThat(m.nullSender()).isFalse();
        }

        @Test
        void rcptWithoutBrackets() {
            Rcpt r = greeted().c("MAIL FROM:a@b\r\nRCPT TO:c@d NOTIFY=NEVER\r\n").s("250 ok\r\n250 ok\r\n").run().one(Rcpt.class);
            assertThat(r.argument()).isEqualTo("c@d");
            assertThat(r.params()).isEqualTo("NOTIFY=NEVER");
            assertThat(r.mailFrom()).isEqualTo("a@b");
        }
    }

    @Nested
    class Transactions {
        @Test
        void rcptCountsAndCap() {
            SmtpSettings s = new SmtpSettings(4096, 4096, 256, 2, 8);
            Harness.Run r = new Harness(s, ClientBy.SYN).s(GREETING).c("HELO h\r\n").s("250 hi\r\n")
                    .c("MAIL FROM:<a@x>\r\n").s("250 ok\r\n")
                    .c("RCPT TO:<1@x>\r\n").s("250 ok\r\n")
                    .c("RCPT TO:<2@x>\r\n").s("251 forwarded\r\n")
                    .c("RCPT TO:<3@x>\r\n").s("550 no\r\n")
                    .c("RCPT TO:<4@x>\r\n").s("450 later\r\n")
                    .c("QUIT\r\n").s("221 bye\r\n")
                    .run();
            TransactionRecord t = r.record();
            assertThat(t.rcptTo()).containsExactly("<1@x>", "<2@x>");
            assertThat(t.rcptAccepted()).isEqualTo(2);
            assertThat(t.rcptRejected()).isEqualTo(2);
            assertThat(t.rcptDropped()).isEqualTo(2);
            assertThat(t.messageStatus()).isEqualTo(MessageStatus.ABORTED);
            assertThat(r.stats.get(SmtpCounter.RCPT_ACCEPTED)).isEqualTo(2);
            assertThat(r.stats.get(SmtpCounter.RCPT_REJECTED)).isEqualTo(2);
            assertThat(r.stats.get(SmtpCounter.RCPT_DROPPED)).isEqualTo(2);
            assertThat(r.rejections()).containsExactly("RCPT 550", "RCPT 450");
        }

        @Test
        void refusedDataThenRsetIsARejectedMessageAndLinesAreCommandsAgain() {
            Harness.Run r = greeted()
                    .c("MAIL FROM:<a@x>\r\n").s("250 ok\r\n")
                    .c("RCPT TO:<b@x>\r\n").s("550 5.1.1 unknown user\r\n")
                    .c("DATA\r\n").s("554 5.5.1 Error: no valid recipients\r\n")
                    .c("RSET\r\n").s("250 ok\r\n")
                    .c("QUIT\r\n").s("221 bye\r\n")
                    .run();
            TransactionRecord t = r.record();
            assertThat(t.messageStatus()).isEqualTo(MessageStatus.REJECTED);
            assertThat(t.lastReply()).isEqualTo("554 5.5.1 Error: no valid recipients");
            assertThat(t.messageBytes()).isZero();
            assertThat(r.rejections()).containsExactly("RCPT 550", "DATA 554");
            assertThat(r.stats.commands(SmtpVerb.RSET)).isEqualTo(1);
            assertThat(r.stats.get(SmtpCounter.UNPAIRED_REPLIES)).isZero();
        }

        @Test
        void refusedDataLeavesTheTransactionOpenForAnotherAttempt() {
            // RFC 5321 4.1.1.4 (zeek smtp-mail-transactions-invalid.pcap): DATA 503, nested MAIL
            // 503, RCPT 250, DATA 354 - one transaction, accepted.
            Harness.Run r = greeted()
                    .c("MAIL FROM:<a@x>\r\n").s("250 ok\r\n")
                    .c("DATA\r\n").s("503 valid RCPT command must precede DATA\r\n")
                    .c("MAIL FROM:<a@x>\r\n").s("503 sender already given\r\n")
                    .c("RCPT TO:<b@x>\r\n").s("250 Accepted\r\n")
                    .c("DATA\r\n").s("354 go\r\n").c("hi\r\n.\r\n").s("250 queued\r\n")
                    .run();
            TransactionRecord t = r.record();
            assertThat(t.mailFrom()).isEqualTo("<a@x>");
            assertThat(t.rcptTo()).containsExactly("<b@x>");
            assertThat(t.rcptAccepted()).isEqualTo(1);
            assertThat(t.messageStatus()).isEqualTo(MessageStatus.ACCEPTED);
            assertThat(t.lastReply()).isEqualTo("250 queued");
        }

        @Test
        void refusedDataThenQuitIsRejectedWithTheRefusalAsLastReply() {
            Harness.Run r = greeted()
                    .c("MAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\nDATA\r\n").s("250 ok\r\n550 no\r\n554 no valid recipients\r\n")
                    .c("QUIT\r\n").s("221 bye\r\n")
                    .run();
            assertThat(r.record().messageStatus()).isEqualTo(MessageStatus.REJECTED);
            assertThat(r.record().lastReply()).isEqualTo("554 no valid recipients");
        }

        @Test
        void rcptsPipelinedBehindARefusedMailAreListedInItsLine() {
            Harness.Run r = greeted()
                    .c("MAIL FROM:<spam@x>\r\nRCPT TO:<b@x>\r\nRCPT TO:<c@x>\r\nDATA\r\n")
                    .s("553 no such domain\r\n503 Need MAIL before RCPT\r\n503 Need MAIL before RCPT\r\n503 Need MAIL\r\n")
                    .c("RSET\r\n").s("250 reset\r\n")
                    .c("MAIL FROM:<ok@x>\r\n").s("250 ok\r\n")
                    .run();
            List<TransactionRecord> recs = r.records();
            assertThat(recs).hasSize(2);
            TransactionRecord refused = recs.get(0);
            assertThat(refused.mailFrom()).isEqualTo("<spam@x>");
            assertThat(refused.rcptTo()).containsExactly("<b@x>", "<c@x>");
            assertThat(refused.rcptRejected()).isEqualTo(2);
            assertThat(refused.messageStatus()).isEqualTo(MessageStatus.ABORTED);
            assertThat(refused.lastReply()).isEqualTo("553 no such domain");
            assertThat(recs.get(1).mailFrom()).isEqualTo("<ok@x>");
            assertThat(recs.get(1).rcptTo()).isEmpty();
            // detection sees no sender for RCPTs the server took outside a transaction
            assertThat(r.all(Rcpt.class)).extracting(Rcpt::mailFrom).containsOnlyNulls();
        }

        @Test
        void acceptedRcptOutsideATransactionIsStillInALine() {
            Harness.Run r = greeted()
                    .c("MAIL FROM:<a@x>\r\n").s("250 ok\r\n").c("RSET\r\n").s("250 ok\r\n")
                    .c("RCPT TO:<b@x>\r\n").s("250 ok\r\n")
                    .run();
            List<TransactionRecord> recs = r.records();
            assertThat(recs).hasSize(2);
            assertThat(recs.get(1).mailFrom()).isNull();
            assertThat(recs.get(1).rcptTo()).containsExactly("<b@x>");
            assertThat(recs.get(1).rcptAccepted()).isEqualTo(1);
        }

        @Test
        void dataRefusedAfterBlindlyPipelinedTextAbsorbsTheRepliesToThoseLines() {
            Harness.Run r = greeted()
                    .c("MAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\nDATA\r\nline one\r\nline two\r\n.\r\nQUIT\r\n")
                    .s("250 ok\r\n550 no\r\n554 no valid recipients\r\n500 what\r\n500 what\r\n500 what\r\n221 bye\r\n")
                    .run();
            assertThat(r.record().messageStatus()).isEqualTo(MessageStatus.REJECTED);
            assertThat(r.anomalyKinds()).containsExactly("data_refused_after_text");
            assertThat(r.stats.get(SmtpCounter.UNPAIRED_REPLIES)).isEqualTo(3);
            assertThat(r.rejections()).containsExactly("RCPT 550", "DATA 554");
        }

        @ParameterizedTest
        @CsvSource({"451,4.3.0 try later", "554,5.7.1 rejected as spam"})
        void messageRejectedAfterTheDot(int code, String text) {
            Harness.Run r = greeted()
                    .c("MAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\nDATA\r\n").s("250 ok\r\n250 ok\r\n354 go\r\n")
                    .c("spam\r\n.\r\n").s(code + " " + text + "\r\n")
                    .run();
            TransactionRecord t = r.record();
            assertThat(t.messageStatus()).isEqualTo(MessageStatus.REJECTED);
            assertThat(t.messageBytes()).isEqualTo(6);
            assertThat(t.lastReply()).isEqualTo(code + " " + text);
            assertThat(r.rejections()).containsExactly("MESSAGE " + code);
        }

        @Test
        void rsetEndsTheTransactionAsAborted() {
            Harness.Run r = greeted()
                    .c("MAIL FROM:<first@x>\r\n").s("250 ok\r\n")
                    .c("RCPT TO:<b@x>\r\n").s("250 ok\r\n")
                    .c("RSET\r\n").s("250 flushed\r\n")
                    .c("MAIL FROM:<second@x>\r\n").s("250 ok\r\n")
                    .c("RCPT TO:<c@x>\r\n").s("250 ok\r\n")
                    .c("DATA\r\n").s("354 go\r\n").c("x\r\n.\r\n").s("250 queued\r\n")
                    .run();
            List<TransactionRecord> recs = r.records();
            assertThat(recs).extracting(TransactionRecord::mailFrom, TransactionRecord::messageStatus)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("<first@x>", MessageStatus.ABORTED),
                            org.assertj.core.groups.Tuple.tuple("<second@x>", MessageStatus.ACCEPTED));
            assertThat(recs.get(0).rcptTo()).containsExactly("<b@x>");
            assertThat(recs.get(1).rcptTo()).containsExactly("<c@x>");
            assertThat(recs.get(0).tsMicros()).isEqualTo(Harness.START);
            assertThat(recs.get(1).transDepth()).isEqualTo(2);
        }

        @Test
        void acceptedEhloEndsTheTransactionRejectedHeloDoesNot() {
            Harness.Run r = greeted()
                    .c("MAIL FROM:<a@x>\r\n").s("250 ok\r\n")
                    .c("RCPT TO:<b@x>\r\n").s("250 ok\r\n")
                    .c("HELO\r\n").s("501 Syntax: HELO hostname\r\n")
                    .c("DATA\r\n").s("354 go\r\n").c("x\r\n.\r\n").s("250 queued\r\n")
                    .c("MAIL FROM:<c@x>\r\n").s("250 ok\r\n")
                    .c("EHLO other.example\r\n").s("250 hi\r\n")
                    .run();
            List<TransactionRecord> recs = r.records();
            assertThat(recs).hasSize(2);
            assertThat(recs.get(0).messageStatus()).isEqualTo(MessageStatus.ACCEPTED);
            assertThat(recs.get(0).rcptTo()).containsExactly("<b@x>");
            assertThat(recs.get(1).mailFrom()).isEqualTo("<c@x>");
            assertThat(recs.get(1).messageStatus()).isEqualTo(MessageStatus.ABORTED);
            assertThat(recs.get(1).lastReply()).isEqualTo("250 hi");
            assertThat(r.rejections()).containsExactly("HELO 501");
            assertThat(r.all(Helo.class)).extracting(Helo::argument).containsExactly("client.example.org", "", "other.example");
        }

        @Test
        void nestedMailAnswered503DoesNotResetTheFirst() {
            Harness.Run r = greeted()
                    .c("MAIL FROM:<first@x>\r\n").s("250 ok\r\n")
                    .c("MAIL FROM:<second@x>\r\n").s("503 5.5.1 Error: nested MAIL command\r\n")
                    .c("RCPT TO:<b@x>\r\n").s("250 ok\r\n")
                    .c("DATA\r\n").s("354 go\r\n").c("x\r\n.\r\n").s("250 queued\r\n")
                    .run();
            TransactionRecord t = r.record();
            assertThat(t.mailFrom()).isEqualTo("<first@x>");
            assertThat(t.rcptTo()).containsExactly("<b@x>");
            assertThat(t.messageStatus()).isEqualTo(MessageStatus.ACCEPTED);
            assertThat(r.all(MailFrom.class)).extracting(MailFrom::replyCode).containsExactly(250, 503);
            assertThat(r.rejections()).containsExactly("MAIL 503");
        }

        @Test
        void rejectedMailIsLoggedWithItsReplyAndEnds() {
            Harness.Run r = greeted()
                    .c("MAIL FROM:<x@dhl.com>\r\n").s("553 5.7.1 Sender address rejected\r\n")
                    .c("MAIL FROM:<y@ok.example>\r\n").s("250 ok\r\n")
                    .c("QUIT\r\n").s("221 bye\r\n")
                    .run();
            List<TransactionRecord> recs = r.records();
            assertThat(recs).hasSize(2);
            assertThat(recs.get(0).mailFrom()).isEqualTo("<x@dhl.com>");
            assertThat(recs.get(0).messageStatus()).isEqualTo(MessageStatus.ABORTED);
            assertThat(recs.get(0).lastReply()).isEqualTo("553 5.7.1 Sender address rejected");
            assertThat(recs.get(1).mailFrom()).isEqualTo("<y@ok.example>");
            assertThat(recs.get(1).messageStatus()).isEqualTo(MessageStatus.ABORTED);
        }

        @Test
        void connectionWithoutMailGetsOneNoneRecord() {
            Harness.Run r = new Harness().s(GREETING).c("EHLO 127.0.0.1\r\n").s("250 hi\r\n")
                    .c("RCPT TO:<b@x>\r\n").s("503 5.5.1 need MAIL\r\n").c("QUIT\r\n").s("221 bye\r\n").run();
            TransactionRecord t = r.record();
            assertThat(t.messageStatus()).isEqualTo(MessageStatus.NONE);
            assertThat(t.transDepth()).isEqualTo(1);
            assertThat(t.tsMicros()).isEqualTo(Harness.START);
            assertThat(t.helo()).isEqualTo("127.0.0.1");
            assertThat(t.mailFrom()).isNull();
            assertThat(t.rcptTo()).containsExactly("<b@x>");
            assertThat(t.rcptRejected()).isEqualTo(1);
            assertThat(t.lastReply()).isEqualTo("221 bye");
        }

        @Test
        void blocklistRejectionOfTheGreetingIsReported() {
            Harness.Run r = new Harness()
                    .s("554-5.7.1 Service unavailable; Client host [203.0.113.7] blocked\r\n554 5.7.1 using zen.spamhaus.org\r\n")
                    .c("QUIT\r\n").s("221 bye\r\n").run();
            SmtpEvent.Rejection rej = r.one(SmtpEvent.Rejection.class);
            assertThat(rej.command()).isEqualTo("GREETING");
            assertThat(rej.code()).isEqualTo(554);
            assertThat(rej.text()).isEqualTo("5.7.1 Service unavailable; Client host [203.0.113.7] blocked 5.7.1 using zen.spamhaus.org");
            assertThat(r.one(Greeting.class).code()).isEqualTo(554);
        }
    }

    @Nested
    class Bdat {
        @Test
        void multiChunkMessageWithCommandLookalikesInsideChunks() {
            String chunk1 = "Subject: x\r\n\r\n.\r\nQUIT\r\n"; // 22 octets, not commands
            String chunk2 = "MAIL FROM:<evil@x>\r\n";     // 20 octets, not a command either
            Harness.Run r = greeted()
                    .c("MAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\n").s("250 ok\r\n250 ok\r\n")
                    .c("BDAT " + chunk1.length() + "\r\n" + chunk1 + "BDAT " + chunk2.length() + " LAST\r\n" + chunk2)
                    .s("250 2.0.0 " + chunk1.length() + " octets\r\n250 2.0.0 queued\r\n")
                    .c("QUIT\r\n").s("221 bye\r\n")
                    .run();
            TransactionRecord t = r.record();
            assertThat(t.mailFrom()).isEqualTo("<a@x>");
            assertThat(t.messageStatus()).isEqualTo(MessageStatus.ACCEPTED);
            assertThat(t.messageBytes()).isEqualTo(chunk1.length() + chunk2.length());
            assertThat(r.all(MailFrom.class)).hasSize(1);
            assertThat(r.stats.commands(SmtpVerb.BDAT)).isEqualTo(2);
            assertThat(r.stats.commands(SmtpVerb.QUIT)).isEqualTo(1);
            assertThat(r.stats.get(SmtpCounter.UNPAIRED_REPLIES)).isZero();
        }

        @Test
        void bdatZeroLast() {
            Harness.Run r = greeted()
                    .c("MAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\nBDAT 4\r\nabcdBDAT 0 LAST\r\n")
                    .s("250 ok\r\n250 ok\r\n250 4 octets\r\n250 queued\r\n")
                    .c("MAIL FROM:<next@x>\r\n").s("250 ok\r\n")
                    .run();
            List<TransactionRecord> recs = r.records();
            assertThat(recs.get(0).messageStatus()).isEqualTo(MessageStatus.ACCEPTED);
            assertThat(recs.get(0).messageBytes()).isEqualTo(4);
            assertThat(recs.get(1).mailFrom()).isEqualTo("<next@x>");
        }

        @Test
        void rejectedChunkRejectsTheMessage() {
            Harness.Run r = greeted()
                    .c("MAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\nBDAT 3 LAST\r\nabc")
                    .s("250 ok\r\n250 ok\r\n552 too big\r\n").run();
            assertThat(r.record().messageStatus()).isEqualTo(MessageStatus.REJECTED);
            assertThat(r.rejections()).containsExactly("BDAT 552");
        }

        @Test
        void hugeAnnouncedChunkReportsTheOctetsSeen() {
            // Issue 9 item 11: the announced size is the peer's word, the bytes are the wire's.
            Harness.Run r = greeted()
                    .c("MAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\nBDAT 9223372036854775807 LAST\r\n")
                    .s("250 ok\r\n250 ok\r\n").c("0123456789")
                    .run();
            TransactionRecord t = r.record();
            assertThat(t.messageBytes()).isEqualTo(10);
            assertThat(t.messageStatus()).isEqualTo(MessageStatus.ABORTED);
            assertThat(r.stats.get(SmtpCounter.MESSAGE_BYTES)).isEqualTo(10);
        }

        @Test
        void answeredChunkCountsItsOctetsAndAGapInsideIt() {
            Harness.Run r = greeted()
                    .c("MAIL FROM:<a@x>\r\nBDAT 30 LAST\r\n0123456789").clientGap(5)
                    .s("250 ok\r\n").c("012345678901234").s("250 queued\r\n")
                    .run();
            assertThat(r.record().messageBytes()).isEqualTo(30);
            assertThat(r.record().messageStatus()).isEqualTo(MessageStatus.ACCEPTED);
        }

        @Test
        void chunkAnsweredBeforeItsOctetsStillCountsThem() {
            // zeek smtp-bdat-gap.pcap: the server answers BDAT 200 at once; 100 octets, then a hole.
            Harness.Run r = greeted()
                    .c("MAIL FROM:<a@x>\r\n").s("250 ok\r\n").c("BDAT 200\r\n").s("250 ok\r\n")
                    .c("A".repeat(100)).clientGap(100).c("BDAT 0 LAST\r\n").s("250 queued\r\n")
                    .run();
            assertThat(r.record().messageBytes()).isEqualTo(200);
            assertThat(r.record().messageStatus()).isEqualTo(MessageStatus.ACCEPTED);
        }

        @ParameterizedTest
        @ValueSource(strings = {"BDAT 5 X", "BDAT -1 LAST", "BDAT 15555555557777777777 LAST",
            "BDAT 184467440737095516150 LAST", "BDAT", "BDAT SCRAMBLE", "BDAT 1234 SCRAMBLE", "BDAT 5LAST"})
        void badSizeResynchronisesOnCommandLines(String bdat) {
            Harness.Run r = greeted()
                    .c("MAIL FROM:<a@x>\r\n").s("250 ok\r\n")
                    .c("RCPT TO:<b@x>\r\n").s("250 ok\r\n")
                    .c(bdat + "\r\n").s("521 5.5.4 Syntax: BDAT count [LAST]\r\n")
                    .c("RSET\r\nMAIL FROM:<c@x>\r\n").s("250 ok\r\n250 ok\r\n")
                    .run();
            assertThat(r.anomalyKinds()).containsExactly("bdat_bad_size");
            assertThat(r.stats.get(SmtpCounter.BDAT_BAD_SIZE)).isEqualTo(1);
            assertThat(r.rejections()).containsExactly("BDAT 521");
            List<TransactionRecord> recs = r.records();
            assertThat(recs).extracting(TransactionRecord::mailFrom).containsExactly("<a@x>", "<c@x>");
            assertThat(recs.get(0).messageStatus()).isEqualTo(MessageStatus.ABORTED);
            assertThat(r.stats.get(SmtpCounter.UNPAIRED_REPLIES)).isZero();
        }

        @Test
        void hugeValidSizeIsConsumedAsAChunk() {
            Harness.Run r = greeted().c("MAIL FROM:<a@x>\r\nBDAT 9223372036854775807 LAST\r\nQUIT\r\n").run();
            assertThat(r.anomalyKinds()).isEmpty();
            assertThat(r.stats.commands(SmtpVerb.QUIT)).isZero();
        }
    }

    @Nested
    class Tls {
        @Test
        void acceptedStartTlsMakesTheRestOpaque() {
            Harness.Run r = greeted()
                    .c("STARTTLS\r\n").s("220 2.0.0 Ready to start TLS\r\n")
                    .c("\u0016\u0003\u0001\u0000\u00a5\u0001\u0000\u0000\u00a1\u0003\u0003 random")
                    .c("MAIL FROM:<hidden@x>\r\n").s("250 looks like text but is not\r\n")
                    .run();
            StartTls st = r.one(StartTls.class);
            assertThat(st.accepted()).isTrue();
            assertThat(st.replyCode()).isEqualTo(220);
            assertThat(r.all(MailFrom.class)).isEmpty();
            assertThat(r.stats.get(SmtpCounter.STARTTLS_ISSUED)).isEqualTo(1);
            assertThat(r.stats.get(SmtpCounter.STARTTLS_ACCEPTED)).isEqualTo(1);
            assertThat(r.stats.get(SmtpCounter.OPAQUE_BYTES)).isGreaterThan(40);
            assertThat(r.stats.get(SmtpCounter.UNPAIRED_REPLIES)).isZero();
            assertThat(r.one(ConnectionEnd.class).tls()).isTrue();
            TransactionRecord t = r.record();
            assertThat(t.messageStatus()).isEqualTo(MessageStatus.NONE);
            assertThat(t.tls()).isTrue();
        }

        @Test
        void refusedStartTlsContinuesInPlaintext() {
            Harness.Run r = greeted()
                    .c("STARTTLS\r\n").s("454 4.7.0 TLS not available\r\n")
                    .c("MAIL FROM:<a@x>\r\n").s("250 ok\r\n")
                    .run();
            assertThat(r.one(StartTls.class).accepted()).isFalse();
            assertThat(r.one(MailFrom.class).tls()).isFalse();
            assertThat(r.rejections()).containsExactly("STARTTLS 454");
            assertThat(r.stats.get(SmtpCounter.STARTTLS_ACCEPTED)).isZero();
        }

        @Test
        void implicitTlsClientHello() {
            Harness.Run r = new Harness()
                    .c(new byte[] {0x16, 0x03, 0x01, 0x00, 0x31, 0x01, 0x00, 0x00, 0x2d, 0x03, 0x03, 'E', 'H', 'L', 'O', '\r', '\n'})
                    .s(new byte[] {0x16, 0x03, 0x03, 0x00, 0x10, 0x02})
                    .run();
            assertThat(r.stats.get(SmtpCounter.IMPLICIT_TLS)).isEqualTo(1);
            assertThat(r.all(Helo.class)).isEmpty();
            assertThat(r.one(ConnectionEnd.class).tls()).isTrue();
            assertThat(r.one(ConnectionEnd.class).smtpSeen()).isFalse();
            assertThat(r.record().tls()).isTrue();
            assertThat(r.anomalyKinds()).isEmpty();
        }

        @Test
        void clientHelloAfterAPlaintextBannerIsStillImplicitTls() {
            // ndpi smtps.pcapng: the server on 465 speaks plaintext, the client TLS.
            Harness.Run r = new Harness().s("220-smtp.example ESMTP\r\n220 ok\r\n")
                    .c(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01}).run();
            assertThat(r.one(Greeting.class).code()).isEqualTo(220);
            assertThat(r.stats.get(SmtpCounter.IMPLICIT_TLS)).isEqualTo(1);
            assertThat(r.anomalyKinds()).isEmpty();
        }
    }

    @Nested
    class LongLines {
        @Test
        void tenMegabyteCommandLineIsTruncatedAndCountedOnce() {
            Harness h = greeted();
            h.c("EHLO ");
            byte[] chunk = new byte[64 * 1024];
            java.util.Arrays.fill(chunk, (byte) 'A');
            for (int i = 0; i < 160; i++) h.c(chunk); // 10 MB
            Harness.Run r = h.c("\r\n").s("250 hi\r\n").c("MAIL FROM:<a@x>\r\n").s("250 ok\r\n").run();
            List<Helo> helos = r.all(Helo.class);
            assertThat(helos).hasSize(2);
            assertThat(helos.get(1).argument()).hasSize(4096 - 5);
            assertThat(r.anomalyKinds()).containsExactly("line_too_long");
            assertThat(r.stats.get(SmtpCounter.LINES_TRUNCATED)).isEqualTo(1);
            assertThat(r.one(MailFrom.class).replyCode()).isEqualTo(250);
        }

        @Test
        void longReplyLineIsTruncated() {
            String longGreeting = "220 " + "B".repeat(5000) + "\r\n";
            Harness.Run r = new Harness().s(longGreeting).c("QUIT\r\n").s("221 bye\r\n").run();
            assertThat(r.one(Greeting.class).text()).hasSize(4096 - 4);
            assertThat(r.stats.get(SmtpCounter.LINES_TRUNCATED)).isEqualTo(1);
        }
    }

    @Nested
    class Gaps {
        @Test
        void gapInsideDataStaysInDataUntilTheDot() {
            Harness.Run r = greeted()
                    .c("MAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\nDATA\r\n").s("250 ok\r\n250 ok\r\n354 go\r\n")
                    .c("Subject: gap\r\n\r\npart one, then a hole: MAIL FRO")
                    .clientGap(1400)
                    .c("M:<not-a-command@x>\r\nmore text\r\n.\r\n").s("250 queued\r\n")
                    .c("QUIT\r\n").s("221 bye\r\n")
                    .run();
            TransactionRecord t = r.record();
            assertThat(t.messageStatus()).isEqualTo(MessageStatus.ACCEPTED);
            assertThat(t.gaps()).isTrue();
            assertThat(r.all(MailFrom.class)).hasSize(1);
            assertThat(r.one(ConnectionEnd.class).gaps()).isTrue();
            assertThat(r.stats.get(SmtpCounter.GAPS)).isEqualTo(1);
            assertThat(r.stats.commands(SmtpVerb.QUIT)).isEqualTo(1);
        }

        @Test
        void gapInClientCommandsDropsThePartialLine() {
            Harness.Run r = greeted()
                    .c("MAIL FROM:<a@x>\r\nRCPT TO:<par").clientGap(20).c("tial@x>\r\nRCPT TO:<c@x>\r\n")
                    .s("250 ok\r\n250 ok\r\n")
                    .run();
            assertThat(r.all(Rcpt.class)).extracting(Rcpt::argument).containsExactly("<c@x>");
            assertThat(r.stats.commands(SmtpVerb.UNKNOWN)).isZero();
            assertThat(r.record().gaps()).isTrue();
        }

        @Test
        void gapInServerRepliesKeepsTheCutReplyAndPairsTheRestByPositionFlaggedUncertain() {
            // "250 o" names its code before the hole; "k" is the tail of that line; the 10 missing
            // bytes could have held a whole reply, so the pairing that follows is a guess.
            Harness.Run r = greeted()
                    .c("MAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\n").s("250 o").serverGap(10).s("k\r\n250 late\r\n")
                    .run();
            assertThat(r.one(MailFrom.class).replyCode()).isEqualTo(250);
            assertThat(r.one(Rcpt.class).replyCode()).isEqualTo(250);
            assertThat(r.stats.get(SmtpCounter.UNPAIRED_REPLIES)).isZero();
            assertThat(r.record().rcptAccepted()).isEqualTo(1);
            assertThat(r.record().gaps()).isTrue();
            assertThat(r.record().pairingUncertain()).isTrue();
        }

        @Test
        void holeTooShortToHoldAReplyChangesNoPairing() {
            // pcaps2 snort3_demo/smtp-lorem.pcap: 1-byte holes between complete reply lines.
            Harness.Run r = greeted()
                    .c("MAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\nDATA\r\n").serverGap(1)
                    .s("250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 go\r\n").c("text\r\n.\r\n").s("250 queued\r\n")
                    .run();
            TransactionRecord t = r.record();
            assertThat(r.one(Rcpt.class).replyCode()).isEqualTo(250);
            assertThat(t.rcptAccepted()).isEqualTo(1);
            assertThat(t.messageStatus()).isEqualTo(MessageStatus.ACCEPTED);
            assertThat(t.gaps()).isTrue();
            assertThat(t.pairingUncertain()).isFalse();
            assertThat(r.anomalyKinds()).isEmpty();
        }

        @Test
        void afterALongHoleRepliesPairByCodeClass() {
            // The hole may hold the replies to MAIL and RCPT: the 354 that follows is DATA's.
            Harness.Run r = greeted()
                    .c("MAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\nDATA\r\n").serverGap(40)
                    .s("354 go\r\n").c("text\r\n.\r\n").s("250 queued\r\n")
                    .run();
            TransactionRecord t = r.record();
            assertThat(r.one(MailFrom.class).replyCode()).isZero();
            assertThat(r.one(Rcpt.class).replyCode()).isZero();
            assertThat(t.messageStatus()).isEqualTo(MessageStatus.ACCEPTED);
            assertThat(t.pairingUncertain()).isTrue();
            assertThat(r.stats.get(SmtpCounter.GAP_UNPAIRED)).isEqualTo(2);
        }

        @Test
        void afterALongHoleAReplyNoWaitingCommandCanTakeIsNotPaired() {
            // The 354 cannot answer the "." still waiting: it is counted, not paired, and the
            // message text that follows is not mistaken for commands or the other way round.
            Harness.Run r = greeted()
                    .c("MAIL FROM:<a@x>\r\n").s("250 ok\r\n").c("RCPT TO:<b@x>\r\n").s("250 ok\r\n")
                    .c("DATA\r\n").s("354 go\r\n").c("text\r\n.\r\n").serverGap(40)
                    .s("354 go\r\n250 queued\r\n").c("QUIT\r\n").s("221 bye\r\n")
                    .run();
            TransactionRecord t = r.record();
            assertThat(t.messageStatus()).isEqualTo(MessageStatus.ACCEPTED);
            assertThat(t.lastReply()).isEqualTo("250 queued");
            assertThat(t.pairingUncertain()).isTrue();
            assertThat(r.stats.get(SmtpCounter.UNPAIRED_REPLIES)).isEqualTo(1);
            assertThat(r.stats.commands(SmtpVerb.QUIT)).isEqualTo(1);
        }

        @Test
        void aLineCutAtItsStartByAShortHoleIsDroppedAndMakesPairingUncertain() {
            // The hole took "2" of "250 ok": "50 ok" is no reply line, so that reply is lost.
            Harness.Run r = greeted()
                    .c("MAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\n").serverGap(1).s("50 ok\r\n250 ok\r\n")
                    .run();
            assertThat(r.record().pairingUncertain()).isTrue();
            assertThat(r.stats.get(SmtpCounter.BAD_REPLY_LINES)).isZero();
        }

        @Test
        void gapInsideABdatChunkIsAbsorbedByTheChunk() {
            Harness.Run r = greeted()
                    .c("MAIL FROM:<a@x>\r\nBDAT 100 LAST\r\n0123456789").clientGap(80).c("0123456789QUIT\r\n")
                    .s("250 ok\r\n250 queued\r\n221 bye\r\n")
                    .run();
            assertThat(r.record().messageStatus()).isEqualTo(MessageStatus.ACCEPTED);
            assertThat(r.record().messageBytes()).isEqualTo(100);
            assertThat(r.stats.commands(SmtpVerb.QUIT)).isEqualTo(1);
        }
    }

    @Nested
    class NotSmtp {
        @Test
        void httpRequestGivesUpCleanly() {
            Harness.Run r = new Harness().s(GREETING).c("GET / HTTP/1.1\r\nHost: mx\r\n\r\n")
                    .s("500 5.5.2 Error: command not recognized\r\n").run();
            assertThat(r.anomalyKinds()).containsExactly("not_smtp");
            assertThat(r.stats.get(SmtpCounter.NOT_SMTP)).isEqualTo(1);
            assertThat(r.record().messageStatus()).isEqualTo(MessageStatus.NONE);
            assertThat(r.stats.get(SmtpCounter.UNPAIRED_REPLIES)).isZero();
        }

        @Test
        void binaryClientGivesUp() {
            Harness.Run r = new Harness().s(GREETING).c(new byte[] {0x00, 0x01, (byte) 0xff, 0x02, '\r', '\n'}).run();
            assertThat(r.anomalyKinds()).containsExactly("not_smtp");
            assertThat(r.records()).hasSize(1);
        }

        @Test
        void serverThatIsNotSmtpGivesUp() {
            Harness.Run r = new Harness().c("EHLO x\r\n").s("HTTP/1.1 400 Bad Request\r\n\r\n").run();
            assertThat(r.anomalyKinds()).containsExactly("not_smtp");
            assertThat(r.one(ConnectionEnd.class).smtpSeen()).isTrue(); // the EHLO was SMTP
            assertThat(r.records()).hasSize(1);
        }

        @Test
        void binaryAfterARealExchangeIsJustAnUnknownCommand() {
            Harness.Run r = greeted().c("\u0001\u0002\r\n").s("500 unknown\r\n").run();
            assertThat(r.anomalyKinds()).isEmpty();
            assertThat(r.rejections()).containsExactly("UNKNOWN 500");
        }
    }

    @Nested
    class OneSided {
        @Test
        void clientOnlyCaptureReportsCommandsWithReplyCodeZero() {
            Harness.Run r = new Harness()
                    .c("ehlo client.example\r\nmail from:<a@x>\r\nrcpt to:<b@x>\r\ndata\r\n")
                    .c("Subject: one side\r\n\r\nbody\r\n.\r\n")
                    .c("mail from:<c@x>\r\nrcpt to:<d@x>\r\nquit\r\n")
                    .run();
            assertThat(r.one(Helo.class).replyCode()).isZero();
            assertThat(r.all(MailFrom.class)).extracting(MailFrom::replyCode).containsExactly(0, 0);
            List<TransactionRecord> recs = r.records();
            assertThat(recs).hasSize(2);
            assertThat(recs.get(0).mailFrom()).isEqualTo("<a@x>");
            assertThat(recs.get(0).helo()).isEqualTo("client.example");
            assertThat(recs.get(0).rcptTo()).containsExactly("<b@x>");
            assertThat(recs.get(0).rcptAccepted()).isZero();
            // The message was sent to its end; what the server said to it is not on the capture.
            assertThat(recs.get(0).messageStatus()).isEqualTo(MessageStatus.UNKNOWN);
            assertThat(recs.get(0).messageBytes()).isEqualTo(19 + 2 + 6);
            assertThat(recs.get(0).lastReply()).isNull();
            assertThat(recs.get(1).mailFrom()).isEqualTo("<c@x>");
            assertThat(recs.get(1).messageStatus()).isEqualTo(MessageStatus.ABORTED);
            assertThat(recs).extracting(TransactionRecord::oneWay).containsOnly("client_only");
            assertThat(r.anomalyKinds()).containsExactly("one_way");
        }

        @Test
        void serverOnlyCapture() {
            Harness.Run r = new Harness().s(GREETING).s("250 hello\r\n").s("250 ok\r\n221 bye\r\n").run();
            assertThat(r.one(Greeting.class).code()).isEqualTo(220);
            assertThat(r.anomalyKinds()).containsExactly("one_way");
            assertThat(r.stats.get(SmtpCounter.UNPAIRED_REPLIES)).isEqualTo(3);
            assertThat(r.stats.get(SmtpCounter.ONE_WAY_SERVER_ONLY)).isEqualTo(1);
            assertThat(r.record().messageStatus()).isEqualTo(MessageStatus.NONE);
            assertThat(r.record().oneWay()).isEqualTo("server_only");
        }

        @Test
        void midStreamBytesThatOnlyStartLikeTlsAreNotTls() {
            Harness.Run r = new Harness(SmtpSettings.defaults(), ClientBy.PORT)
                    .c(new byte[] {0x16, '\n', 'Q', 'U', 'I', 'T', '\r', '\n'}).s("221 bye\r\n").run();
            assertThat(r.stats.get(SmtpCounter.IMPLICIT_TLS)).isZero();
            assertThat(r.anomalyKinds()).containsExactly("not_smtp"); // a binary first line
            assertThat(r.stats.get(SmtpCounter.OPAQUE_BYTES)).isEqualTo(6 + 9); // the rest of both streams
            assertThat(r.stats.get(SmtpCounter.INTERNAL_ERRORS)).isZero();
        }

        @Test
        void midStreamPickUpForgivesOnePartialLine() {
            Harness.Run r = new Harness(SmtpSettings.defaults(), ClientBy.PORT)
                    .s("ed as 1234\r\n").c("MAIL FROM:<a@x>\r\n").s("250 ok\r\n").run();
            assertThat(r.anomalyKinds()).containsExactly("bad_reply_line");
            assertThat(r.one(MailFrom.class).replyCode()).isEqualTo(250);
            assertThat(r.record().clientBy()).isEqualTo("port");
        }
    }

    @Nested
    class Authentication {
        @Test
        void successfulAuthNamesTheUserOfLaterTransactions() {
            Harness.Run r = greeted()
                    .c("AUTH PLAIN " + Auths.b64("\0alice@example.org\0pw-1") + "\r\n").s("235 2.7.0 Authentication successful\r\n")
                    .c("MAIL FROM:<>\r\n").s("250 ok\r\n")
                    .c("RCPT TO:<x@y>\r\n").s("250 ok\r\n")
                    .run();
            Auth a = r.one(Auth.class);
            assertThat(a).extracting(Auth::mechanism, Auth::user, Auth::authzid, Auth::result, Auth::replyCode)
                    .containsExactly("PLAIN", "alice@example.org", null, AuthResult.SUCCESS, 235);
            assertThat(r.one(MailFrom.class).authUser()).isEqualTo("alice@example.org");
            assertThat(r.one(Rcpt.class).authUser()).isEqualTo("alice@example.org");
            TransactionRecord t = r.record();
            assertThat(t.authMech()).isEqualTo("PLAIN");
            assertThat(t.authUser()).isEqualTo("alice@example.org");
            assertThat(t.authzid()).isNull();
            assertThat(t.authResult()).isEqualTo("success");
            assertThat(t.nullSender()).isTrue();
            assertThat(r.stats.auth(AuthMechanism.PLAIN, AuthResult.SUCCESS)).isEqualTo(1);
        }

        @Test
        void failedAuthIsLoggedButDoesNotAuthenticateTheSession() {
            Harness.Run r = greeted()
                    .c("AUTH LOGIN\r\n").s("334 VXNlcm5hbWU6\r\n")
                    .c(Auths.b64("guest") + "\r\n").s("334 UGFzc3dvcmQ6\r\n")
                    .c(Auths.b64("guessed") + "\r\n").s("535 5.7.8 Error: authentication failed\r\n")
                    .c("MAIL FROM:<a@x>\r\n").s("250 ok\r\n")
                    .run();
            Auth a = r.one(Auth.class);
            assertThat(a.user()).isEqualTo("guest");
            assertThat(a.result()).isEqualTo(AuthResult.FAILURE);
            assertThat(r.one(MailFrom.class).authUser()).isNull();
            assertThat(r.record().authResult()).isEqualTo("failure");
            assertThat(r.record().authUser()).isEqualTo("guest");
            assertThat(r.rejections()).containsExactly("AUTH 535");
            assertThat(r.stats.auth(AuthMechanism.LOGIN, AuthResult.FAILURE)).isEqualTo(1);
            assertThat(r.stats.commands(SmtpVerb.UNKNOWN)).isZero();
        }

        @Test
        void cancelledAuth() {
            Harness.Run r = greeted().c("AUTH LOGIN\r\n").s("334 VXNlcm5hbWU6\r\n").c("*\r\n")
                    .s("501 5.7.0 Authentication aborted\r\n").c("QUIT\r\n").s("221 bye\r\n").run();
            Auth a = r.one(Auth.class);
            assertThat(a.user()).isNull();
            assertThat(a.result()).isEqualTo(AuthResult.FAILURE);
            assertThat(a.replyCode()).isEqualTo(501);
            assertThat(r.stats.commands(SmtpVerb.QUIT)).isEqualTo(1);
        }

        @Test
        void invalidBase64GivesNoUserAndAnAnomaly() {
            Harness.Run r = greeted().c("AUTH PLAIN not*base64!\r\n").s("501 5.5.2 Cannot decode\r\n").run();
            assertThat(r.one(Auth.class).user()).isNull();
            assertThat(r.anomalyKinds()).containsExactly("auth_undecodable");
            assertThat(r.stats.get(SmtpCounter.AUTH_UNDECODABLE)).isEqualTo(1);
        }

        @Test
        void quitAnsweredToTheUsernamePromptIsTheUserNameTheServerSaw() {
            // suricata-verify smtp-long-command: the server decodes "QUIT" and asks for the password.
            Harness.Run r = greeted().c("AUTH LOGIN\r\n").s("334 VXNlcm5hbWU6\r\n").c("QUIT\r\n")
                    .s("334 UGFzc3dvcmQ6\r\n").run();
            Auth a = r.one(Auth.class);
            assertThat(a.user()).isEqualTo("AB\u0013");
            assertThat(a.result()).isEqualTo(AuthResult.UNKNOWN);
            assertThat(a.replyCode()).isZero();
            assertThat(r.anomalyKinds()).containsExactly("auth_response_is_command");
            assertThat(r.stats.commands(SmtpVerb.QUIT)).isZero();
        }

        @Test
        void authRejectedOutrightLeavesFollowingLinesAsCommands() {
            Harness.Run r = greeted().c("AUTH GSSAPI\r\n").s("504 5.5.4 Unrecognized mechanism\r\n")
                    .c("MAIL FROM:<a@x>\r\n").s("250 ok\r\n").run();
            assertThat(r.one(Auth.class)).extracting(Auth::mechanism, Auth::result).containsExactly("GSSAPI", AuthResult.FAILURE);
            assertThat(r.one(MailFrom.class).replyCode()).isEqualTo(250);
            assertThat(r.stats.auth(AuthMechanism.OTHER, AuthResult.FAILURE)).isEqualTo(1);
        }
    }
}
