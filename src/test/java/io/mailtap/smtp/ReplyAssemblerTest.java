package io.mailtap.smtp;

import io.mailtap.smtp.ReplyAssembler.Result;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class ReplyAssemblerTest {
    static Result line(ReplyAssembler r, String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        return r.onLine(b, b.length);
    }

    @Test
    void multiLineReplyJoinsItsText() {
        ReplyAssembler r = new ReplyAssembler(100, 8);
        assertThat(line(r, "250-mx.example")).isEqualTo(Result.INCOMPLETE);
        assertThat(line(r, "250-PIPELINING")).isEqualTo(Result.INCOMPLETE);
        assertThat(r.inProgress()).isTrue();
        assertThat(line(r, "250 8BITMIME")).isEqualTo(Result.COMPLETE);
        assertThat(r.code()).isEqualTo(250);
        assertThat(r.text()).isEqualTo("mx.example PIPELINING 8BITMIME");
        assertThat(r.lines()).isEqualTo(3);
    }

    @Test
    void bareCodeEndsAReply() {
        ReplyAssembler r = new ReplyAssembler(100, 8);
        assertThat(line(r, "250-x")).isEqualTo(Result.INCOMPLETE);
        assertThat(line(r, "250")).isEqualTo(Result.COMPLETE);
        assertThat(r.text()).isEqualTo("x");
        r.reset();
        assertThat(line(r, "354")).isEqualTo(Result.COMPLETE);
        assertThat(r.text()).isEmpty();
    }

    @Test
    void anotherCodeCutsAnUnfinishedReply() {
        ReplyAssembler r = new ReplyAssembler(100, 8);
        line(r, "250-smtp001");
        assertThat(line(r, "334 VXNlcm5hbWU6")).isEqualTo(Result.COMPLETE_AND_REFEED);
        assertThat(r.code()).isEqualTo(250);
        r.reset();
        assertThat(line(r, "334 VXNlcm5hbWU6")).isEqualTo(Result.COMPLETE);
        assertThat(r.code()).isEqualTo(334);
    }

    @Test
    void malformedLines() {
        ReplyAssembler r = new ReplyAssembler(100, 8);
        assertThat(line(r, "HTTP/1.1 200 OK")).isEqualTo(Result.MALFORMED);
        assertThat(line(r, "25")).isEqualTo(Result.MALFORMED);
        assertThat(line(r, "099 x")).isEqualTo(Result.MALFORMED);
        assertThat(r.inProgress()).isFalse();
    }

    @Test
    void textIsCappedInLinesAndBytes() {
        ReplyAssembler r = new ReplyAssembler(20, 2);
        line(r, "250-aaaaaaaaaa");
        line(r, "250-bbbbbbbbbbbbbbbbbbbb");
        line(r, "250 cccc");
        assertThat(r.text()).hasSize(20).startsWith("aaaaaaaaaa bbbbbbbb");
    }
}
