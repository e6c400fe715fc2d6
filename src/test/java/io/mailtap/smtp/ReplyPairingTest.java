package io.mailtap.smtp;

import io.mailtap.smtp.PendingCommand.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class ReplyPairingTest {
    @ParameterizedTest(name = "{0} to {1} {2}: {3}")
    @CsvSource({
            // codes that name their command
            "354, COMMAND, DATA, true",
            "354, COMMAND, RCPT, false",
            "354, END_OF_DATA, DATA, false",
            "334, COMMAND, AUTH, true",
            "334, AUTH_RESPONSE, AUTH, true",
            "334, COMMAND, MAIL, false",
            "235, AUTH_RESPONSE, AUTH, true",
            "235, COMMAND, EHLO, false",
            "220, COMMAND, STARTTLS, true",
            "220, COMMAND, NOOP, false",
            "221, COMMAND, QUIT, true",
            "221, COMMAND, RSET, false",
            // a success code never answers a command whose success has another code
            "250, COMMAND, MAIL, true",
            "250, COMMAND, RCPT, true",
            "251, COMMAND, RCPT, true",
            "250, COMMAND, EHLO, true",
            "250, END_OF_DATA, DATA, true",
            "250, COMMAND, BDAT, true",
            "250, COMMAND, UNKNOWN, true",
            "250, COMMAND, DATA, false",
            "250, COMMAND, QUIT, false",
            "250, COMMAND, STARTTLS, false",
            "250, COMMAND, AUTH, false",
            "250, AUTH_RESPONSE, AUTH, false",
            // a refusal answers anything
            "503, COMMAND, DATA, true",
            "550, COMMAND, RCPT, true",
            "421, END_OF_DATA, DATA, true",
            "535, AUTH_RESPONSE, AUTH, true",
            "454, COMMAND, STARTTLS, true",
            // codes that answer nothing we track
            "101, COMMAND, MAIL, false",
            "399, COMMAND, UNKNOWN, false",
    })
    void codeClassDecidesWhichCommandAReplyCanAnswer(int code, Kind kind, SmtpVerb verb, boolean expected) {
        assertThat(ReplyPairing.canAnswer(code, kind, verb)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "\"{0}\" is a reply line: {1}, a head: {2}")
    @CsvSource(delimiter = '|', value = {
            "250 ok|true|true",
            "250-PIPELINING|true|true",
            "250|true|false",
            "354 go|true|true",
            "50 2.1.0 Ok|false|false",       // the hole took the first digit
            "240000|false|false",            // the tail of "SIZE 10240000"
            "0240000|false|false",
            "k|false|false",
            "650 x|false|false",
            "25|false|false",
    })
    void resynchronisationAcceptsOnlyReplyLines(String line, boolean replyLine, boolean head) {
        byte[] b = line.getBytes(StandardCharsets.US_ASCII);
        assertThat(ReplyPairing.isReplyLine(b, b.length)).isEqualTo(replyLine);
        assertThat(ReplyPairing.isReplyLineHead(b, b.length)).isEqualTo(head);
    }

    @Test
    void onlyTheCodesThatNameTheirCommandSkipWhenNothingWasLost() {
        assertThat(ReplyPairing.namesItsCommand(334)).isTrue();
        assertThat(ReplyPairing.namesItsCommand(354)).isTrue();
        assertThat(ReplyPairing.namesItsCommand(250)).isFalse();
        assertThat(ReplyPairing.namesItsCommand(550)).isFalse();
    }

    // ------------------------------------------------------------------ the queue, table-driven

    /** "MAIL RCPT DATA" → queued commands; "." is an END_OF_DATA, "~" an AUTH_RESPONSE. */
    static ReplyPairing queue(String commands) {
        ReplyPairing q = new ReplyPairing();
        if (commands.isEmpty()) return q;
        for (String w : commands.split(" ")) {
            PendingCommand c = w.equals(".") ? new PendingCommand(Kind.END_OF_DATA, SmtpVerb.DATA, 0)
                    : w.equals("~") ? new PendingCommand(Kind.AUTH_RESPONSE, SmtpVerb.AUTH, 0)
                    : new PendingCommand(Kind.COMMAND, SmtpVerb.valueOf(w), 0);
            q.add(c);
        }
        return q;
    }

    @ParameterizedTest(name = "[{0}] after a hole: {1}, reply {2} answers index {3}")
    @CsvSource({
            // nothing lost: only 334 and 354 look past the head
            "'', false, 250, 0",
            "'MAIL RCPT', false, 250, 0",
            "'MAIL RCPT', false, 550, 0",
            "'MAIL RCPT DATA', false, 354, 2",
            "'EHLO AUTH', false, 334, 1",
            "'EHLO AUTH ~', false, 235, 0",
            "'MAIL RCPT', false, 354, 0",
            "'DATA', false, 354, 0",
            // after a hole every code class decides, and a reply no command can take is not paired
            "'MAIL RCPT DATA', true, 354, 2",
            "'DATA .', true, 250, 1",
            "'DATA . QUIT', true, 221, 2",
            "'QUIT', true, 250, -1",
            "'DATA', true, 250, -1",
            "'MAIL RCPT', true, 550, 0",
            "'', true, 250, 0",
    })
    void aReplyAnswersTheFirstCommandItCanAnswer(String commands, boolean afterHole, int code, int expected) {
        ReplyPairing q = queue(commands);
        if (afterHole) q.holeInReplies();
        assertThat(q.answeredIndex(code)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "max {0}, {1} queued: overflow {2}")
    @CsvSource({
            "3, 'MAIL RCPT', ''",
            "3, 'MAIL RCPT RCPT', MAIL",
            "0, '', ''",
            "0, 'NOOP', NOOP",
            "1, 'RSET', RSET",
    })
    void overflowGivesUpOnTheOldestAndAbsorbsItsReply(int max, String commands, String givenUp) {
        ReplyPairing q = queue(commands);
        PendingCommand oldest = q.overflow(max);
        if (givenUp.isEmpty()) {
            assertThat(oldest).isNull();
            assertThat(q.absorbs()).as("nothing owed").isFalse();
            assertThat(q.size()).isEqualTo(commands.isEmpty() ? 0 : commands.split(" ").length);
        } else {
            assertThat(oldest.verb).isEqualTo(SmtpVerb.valueOf(givenUp));
            assertThat(q.absorbs()).as("its reply is absorbed").isTrue();
            assertThat(q.absorbs()).as("once").isFalse();
        }
    }

    @Test
    void owedRepliesAreAbsorbedOneEachUntilAHoleForgetsThem() {
        ReplyPairing q = queue("RSET");
        q.owe(2);
        assertThat(q.idle()).isFalse();
        assertThat(q.absorbs()).isTrue();
        q.holeInReplies(); // the other owed reply may be in the hole
        assertThat(q.absorbs()).isFalse();
        assertThat(q.peek().uncertain).as("the waiting command is now a guess").isTrue();
    }

    @Test
    void aGuessLastsUntilTheQueueSettlesAndMarksWhatIsQueuedMeanwhile() {
        ReplyPairing q = queue("MAIL");
        q.holeInReplies();
        q.add(new PendingCommand(Kind.COMMAND, SmtpVerb.RCPT, 0));
        assertThat(q.poll().uncertain).isTrue();
        assertThat(q.poll().uncertain).as("queued after the hole").isTrue();
        assertThat(q.idle()).as("still guessing").isFalse();
        q.settled();
        assertThat(q.idle()).isTrue();
        q.add(new PendingCommand(Kind.COMMAND, SmtpVerb.QUIT, 0));
        assertThat(q.peek().uncertain).isFalse();
    }

    @Test
    void aHoleWithNothingWaitingMakesNoGuess() {
        ReplyPairing q = queue("");
        q.holeInReplies();
        assertThat(q.idle()).isTrue();
    }
}
