package io.mailtap.smtp;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LineFramerTest {
    static List<String> lines(LineFramer f, byte[] b) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < b.length) {
            i = f.feed(b, i, b.length);
            if (f.ready()) {
                out.add(new String(f.buffer(), 0, f.length(), StandardCharsets.ISO_8859_1) + (f.truncated() ? "|T" : ""));
                f.next();
            }
        }
        return out;
    }

    static byte[] bytes(String s) { return s.getBytes(StandardCharsets.ISO_8859_1); }

    @Test
    void crlfBareLfAndExtraCr() {
        assertThat(lines(new LineFramer(100), bytes("A\r\nB\nC\r\r\n\r\nD")))
                .containsExactly("A", "B", "C", "");
    }

    @Test
    void lineSplitAcrossFeeds() {
        LineFramer f = new LineFramer(100);
        assertThat(lines(f, bytes("EH"))).isEmpty();
        assertThat(f.hasPartial()).isTrue();
        assertThat(lines(f, bytes("LO x\r"))).isEmpty();
        assertThat(lines(f, bytes("\nQUIT\r\n"))).containsExactly("EHLO x", "QUIT");
    }

    @Test
    void lineExactlyAtTheCapIsNotTruncatedEvenWithItsCr() {
        assertThat(lines(new LineFramer(4), bytes("ABCD\r\nABCDE\r\n"))).containsExactly("ABCD", "ABCD|T");
    }

    @Test
    void hugeLineKeepsItsHeadWithBoundedMemory() {
        LineFramer f = new LineFramer(4096);
        byte[] mb = new byte[1 << 20];
        java.util.Arrays.fill(mb, (byte) 'x');
        for (int i = 0; i < 10; i++) assertThat(lines(f, mb)).isEmpty();
        assertThat(f.buffer().length).isLessThanOrEqualTo(4097);
        List<String> l = lines(f, bytes("\r\nNEXT\r\n"));
        assertThat(l).hasSize(2);
        assertThat(l.get(0)).hasSize(4096 + 2).endsWith("|T");
        assertThat(l.get(1)).isEqualTo("NEXT");
    }

    @Test
    void discardRestOfLineDropsUpToTheNextLineEnd() {
        LineFramer f = new LineFramer(100);
        lines(f, bytes("partial"));
        f.discardRestOfLine();
        assertThat(lines(f, bytes("still the old line\r\nnew\r\n"))).containsExactly("new");
    }

    @Test
    void bufferIsAllocatedLazily() {
        LineFramer f = new LineFramer(4096);
        assertThat(f.buffer()).isNull();
        lines(f, bytes("ab\r\n"));
        assertThat(f.buffer().length).isLessThanOrEqualTo(128);
    }
}
