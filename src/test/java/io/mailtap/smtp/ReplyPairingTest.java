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
}
