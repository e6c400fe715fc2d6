package io.mailtap.smtp;

import io.mailtap.smtp.SmtpEvent.Auth;
import io.mailtap.smtp.SmtpEvent.AuthResult;
import io.mailtap.smtp.SmtpEvent.Helo;
import io.mailtap.smtp.SmtpEvent.MailFrom;
import io.mailtap.smtp.SmtpEvent.StartTls;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

/**
 * Real conversations from the capture corpus (shared/pcaps), including the ones tshark misreads
 * (see MANIFEST.md "Where tshark is wrong or blind"): the analyzer must see the commands tshark
 * misses in pipelined segments.
 */
class CorpusReplayTest {
    static Harness.Run replay(String[][] transcript) {
        Harness.Run r = new Harness().transcript(transcript).run();
        assertThat(r.stats.get(SmtpCounter.INTERNAL_ERRORS)).isZero();
        return r;
    }

    static List<Tuple> summary(Harness.Run r) {
        return r.records().stream().map(t -> tuple(t.mailFrom(), t.rcptTo(), t.messageStatus(), t.messageBytes()))
                .collect(java.util.stream.Collectors.toList());
    }

    @Test
    void smtpPipeliningMessageInTheCommandSegment() {
        // tshark misses MAIL/RCPT/DATA here: they share a segment with the message.
        Harness.Run r = replay(CorpusTranscripts.SURICATA_PIPELINING);
        assertThat(summary(r)).containsExactly(
                tuple("<username@domain.com>", List.of("<john.doe@example.com>"), MessageStatus.ACCEPTED, 16L));
        assertThat(r.record().helo()).isEqualTo("ehlo.fr");
        assertThat(r.record().lastReply()).isEqualTo("250 2.0.0 Ok: queued as BCB022014FB060");
        assertThat(r.stats.get(SmtpCounter.UNPAIRED_REPLIES)).isZero();
        assertThat(r.anomalyKinds()).isEmpty();
    }

    @Test
    void firewall139MailPipelinedAfterTheDot() {
        Harness.Run r = replay(CorpusTranscripts.SURICATA_FW139_POST_DATA_MAIL);
        assertThat(r.records()).extracting(TransactionRecord::mailFrom, TransactionRecord::rcptTo, TransactionRecord::messageStatus)
                .containsExactly(tuple("<alice@example.com>", List.of("<bob@example.com>"), MessageStatus.ACCEPTED),
                        tuple("<bob@example.com>", List.of("<alice@example.com>"), MessageStatus.ACCEPTED));
        assertThat(r.records().get(0).lastReply()).isEqualTo("250 2.0.0 Ok: queued as 3355C58C9AD0");
        assertThat(r.stats.get(SmtpCounter.UNPAIRED_REPLIES)).isZero();
        assertThat(r.anomalyKinds()).isEmpty();
    }

    @Test
    void firewall140RsetSequencePipelinedAfterTheDot() {
        Harness.Run r = replay(CorpusTranscripts.SURICATA_FW140_POST_DATA_RSET);
        assertThat(r.records()).extracting(TransactionRecord::mailFrom, TransactionRecord::messageStatus, TransactionRecord::lastReply)
                .containsExactly(tuple("<alice@example.com>", MessageStatus.ACCEPTED, "250 2.0.0 Ok: queued as E5B4A5A358BF"),
                        tuple("<bob@example.com>", MessageStatus.ACCEPTED, "250 2.0.0 Ok: queued as E64185A358C1"));
        assertThat(r.stats.commands(SmtpVerb.RSET)).isEqualTo(1);
        assertThat(r.stats.get(SmtpCounter.UNPAIRED_REPLIES)).isZero();
    }

    @Test
    void bdatChunksAndNextTransactionInOneWrite() {
        Harness.Run r = replay(CorpusTranscripts.SURICATA_BDAT_PIPELINED_NEXT_MAIL);
        assertThat(r.records()).extracting(TransactionRecord::mailFrom, TransactionRecord::messageStatus, TransactionRecord::messageBytes)
                .containsExactly(tuple("<alice@example.com>", MessageStatus.ACCEPTED, 216L),
                        tuple("<bob@example.com>", MessageStatus.ACCEPTED, 225L));
        assertThat(r.stats.commands(SmtpVerb.BDAT)).isEqualTo(2);
        assertThat(r.stats.get(SmtpCounter.UNPAIRED_REPLIES)).isZero();
    }

    @Test
    void badBdatThenUnansweredBdatLastAndSecondTransaction() {
        Harness.Run r = replay(CorpusTranscripts.SURICATA_BDAT_BAD_TAIL_NEXT_MAIL);
        assertThat(r.anomalyKinds()).containsExactly("bdat_bad_size");
        assertThat(r.rejections()).containsExactly("BDAT 521");
        assertThat(r.records()).extracting(TransactionRecord::mailFrom, TransactionRecord::messageStatus, TransactionRecord::messageBytes)
                .containsExactly(tuple("<alice@example.com>", MessageStatus.ABORTED, 221L),
                        tuple("<bob@example.com>", MessageStatus.ABORTED, 221L));
        assertThat(r.all(MailFrom.class)).extracting(MailFrom::replyCode).containsExactly(250, 0);
    }

    @Test
    void badBdatPipelinedWithTheNextTransaction() {
        Harness.Run r = replay(CorpusTranscripts.SURICATA_BDAT_BAD_TAIL_REPLY_QUEUE);
        assertThat(r.rejections()).containsExactly("BDAT 501");
        assertThat(summary(r)).hasSize(1);
        assertThat(r.record().mailFrom()).isEqualTo("<alice@example.com>");
        assertThat(r.record().messageStatus()).isEqualTo(MessageStatus.ACCEPTED);
        assertThat(r.stats.get(SmtpCounter.UNPAIRED_REPLIES)).isZero();
    }

    @Test
    void longEhloAndQuitAsTheLoginUserName() {
        Harness.Run r = replay(CorpusTranscripts.SURICATA_LONG_COMMAND);
        // The EHLO line is 4095 bytes: just under the 4096 cap.
        assertThat(r.anomalyKinds()).containsExactly("auth_response_is_command");
        assertThat(r.one(Helo.class).argument()).hasSize(4095 - 5).startsWith("OBLAHOBLAH");
        Auth a = r.one(Auth.class);
        assertThat(a.mechanism()).isEqualTo("LOGIN");
        assertThat(a.user()).isEqualTo("AB\u0013"); // what the server (and tshark) decoded
        assertThat(a.result()).isEqualTo(AuthResult.UNKNOWN);
        assertThat(r.stats.commands(SmtpVerb.QUIT)).isZero();
    }

    @Test
    void bug6053GreetingWithoutLineEndSwallowsTheEhloReply() {
        // The ~5 KB greeting has no line end until the server's "250-..." line, so the server
        // line is one (truncated) greeting and the EHLO never gets a reply of its own. The 334
        // can only answer AUTH: the EHLO is reported unanswered instead of shifting every pairing.
        Harness.Run r = replay(CorpusTranscripts.SURICATA_BUG_6053);
        assertThat(r.anomalyKinds()).containsExactly("line_too_long", "reply_skipped_commands");
        assertThat(r.one(SmtpEvent.Greeting.class).code()).isEqualTo(220);
        assertThat(r.one(Helo.class)).extracting(Helo::argument, Helo::replyCode).containsExactly("Simone", 0);
        Auth a = r.one(Auth.class);
        assertThat(a.user()).isEqualTo("galunt");
        assertThat(a.result()).isEqualTo(AuthResult.SUCCESS);
        assertThat(a.replyCode()).isEqualTo(235);
        MailFrom m = r.one(MailFrom.class);
        assertThat(m.argument()).isEqualTo("<xxxxxx@xxxxx.co.uk>");
        assertThat(m.replyCode()).isEqualTo(250);
        assertThat(m.authUser()).isEqualTo("galunt");
        assertThat(r.record().authUser()).isEqualTo("galunt");
        assertThat(r.record().rcptAccepted()).isEqualTo(1);
        assertThat(r.stats.get(SmtpCounter.UNPAIRED_REPLIES)).isZero();
    }

    @Test
    void rsetStarttlsWithoutGreeting() {
        Harness.Run r = replay(CorpusTranscripts.SURICATA_RSET_STARTTLS);
        assertThat(r.anomalyKinds()).containsExactly("no_greeting");
        assertThat(r.one(StartTls.class).accepted()).isTrue();
        assertThat(r.one(SmtpEvent.ConnectionEnd.class).tls()).isTrue();
        assertThat(r.stats.commands(SmtpVerb.STARTTLS)).isEqualTo(1);
        assertThat(r.stats.commands(SmtpVerb.RSET)).isEqualTo(1);
    }

    @Test
    void zeekBdatZeroLast() {
        Harness.Run r = replay(CorpusTranscripts.ZEEK_BDAT_0_LAST);
        assertThat(summary(r)).containsExactly(tuple("<zeek@localhost>", List.of("<root@localhost>"), MessageStatus.ACCEPTED, 0L));
        assertThat(r.record().lastReply()).isEqualTo("250 2.0.0 Ok: 0 bytes queued as 75A291CA025");
    }

    @Test
    void arkimeBareHeloAndPathsWithoutBrackets() {
        Harness.Run r = replay(CorpusTranscripts.ARKIME_NOSPACES);
        assertThat(r.one(Helo.class)).extracting(Helo::argument, Helo::replyCode).containsExactly("", 501);
        assertThat(r.one(MailFrom.class).argument()).isEqualTo("random@example.com");
        assertThat(r.record().rcptTo()).containsExactly("reciever@example.com");
        // The capture ends inside the message ("test", then a dot-stuffed line).
        assertThat(r.record().messageStatus()).isEqualTo(MessageStatus.ABORTED);
        assertThat(r.record().messageBytes()).isEqualTo(6 + 3);
    }
}
