package io.mailtap.smtp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class CommandParserTest {
    static CommandParser parse(String s) {
        CommandParser p = new CommandParser();
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        p.parse(b, b.length);
        return p;
    }

    static String path(String s) {
        CommandParser p = parse(s);
        return s.substring(p.pathStart, p.pathEnd);
    }

    @ParameterizedTest
    @CsvSource({"ehlo,EHLO", "HeLo,HELO", "lhlo,LHLO", "StaRtTlS,STARTTLS", "XCLIENT,UNKNOWN", "MAILFROM:<a>,UNKNOWN", "'',UNKNOWN"})
    void verbsAreCaseInsensitive(String line, SmtpVerb verb) {
        assertThat(parse(line + " arg").verb).isEqualTo(verb);
    }

    @Test
    void pathsAndParams() {
        assertThat(path("MAIL FROM:<>")).isEqualTo("<>");
        assertThat(path("MAIL FROM:   <a@b> SIZE=1")).isEqualTo("<a@b>");
        assertThat(path("RCPT TO:c@d")).isEqualTo("c@d");
        assertThat(path("MAIL FROM:<\"x>y\\\"z\"@q>")).isEqualTo("<\"x>y\\\"z\"@q>");
        assertThat(path("MAIL FROM:<unclosed@x SIZE=3")).isEqualTo("<unclosed@x");
        CommandParser p = parse("MAIL FROM:<a@b>  SIZE=1 BODY=8BITMIME  ");
        assertThat(p.keywordOk).isTrue();
        assertThat("MAIL FROM:<a@b>  SIZE=1 BODY=8BITMIME  ".substring(p.paramsStart, p.paramsEnd)).isEqualTo("SIZE=1 BODY=8BITMIME");
    }

    @Test
    void missingKeywordKeepsTheArgument() {
        CommandParser p = parse("MAIL <a@b>");
        assertThat(p.keywordOk).isFalse();
        assertThat("MAIL <a@b>".substring(p.pathStart, p.pathEnd)).isEqualTo("<a@b>");
    }

    @ParameterizedTest
    @CsvSource({"BDAT 0 LAST,0,true,false", "BDAT 1000,1000,false,false", "bdat 12 last,12,true,false",
        "BDAT 9223372036854775807,9223372036854775807,false,false", "BDAT 9223372036854775808,0,false,true",
        "BDAT 5 X,0,false,true", "BDAT -1 LAST,0,false,true", "BDAT,0,false,true", "BDAT 5LAST,0,false,true",
        "BDAT 5 LAST X,0,false,true"})
    void bdatSizes(String line, long size, boolean last, boolean bad) {
        CommandParser p = parse(line);
        assertThat(p.bdatBadSize).isEqualTo(bad);
        if (!bad) {
            assertThat(p.bdatSize).isEqualTo(size);
            assertThat(p.bdatLast).isEqualTo(last);
        }
    }

    @Test
    void authMechanismAndInitialResponse() {
        String s = "AUTH PLAIN AGFAYgBj";
        CommandParser p = parse(s);
        assertThat(s.substring(p.mechStart, p.mechEnd)).isEqualTo("PLAIN");
        assertThat(p.hasInitialResponse()).isTrue();
        assertThat(s.substring(p.irStart, p.irEnd)).isEqualTo("AGFAYgBj");
        assertThat(parse("AUTH LOGIN").hasInitialResponse()).isFalse();
    }
}
