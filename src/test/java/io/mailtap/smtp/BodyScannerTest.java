package io.mailtap.smtp;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class BodyScannerTest {
    /** Feeds {@code s}; returns the index after the terminator or -1. */
    static int feed(BodyScanner b, String s) {
        byte[] x = s.getBytes(StandardCharsets.ISO_8859_1);
        int i = b.feed(x, 0, x.length);
        return b.ended() ? i : -1;
    }

    @Test
    void endsAtDotLineAndCountsUnstuffedBytes() {
        BodyScanner b = new BodyScanner();
        b.reset();
        String text = "a\r\n..b\r\n.c\r\n\r\n";
        assertThat(feed(b, text + ".\r\nMAIL")).isEqualTo(text.length() + 3);
        assertThat(b.bytes()).isEqualTo(text.length() - 2);
        assertThat(b.lines()).isEqualTo(5);
    }

    @Test
    void bareLfDotEndsToo() {
        BodyScanner b = new BodyScanner();
        b.reset();
        assertThat(feed(b, "x\n.\n")).isEqualTo(4);
        assertThat(b.bytes()).isEqualTo(2);
    }

    @Test
    void dotInsideALineOrAfterAGapIsText() {
        BodyScanner b = new BodyScanner();
        b.reset();
        assertThat(feed(b, "x.\r\n")).isEqualTo(-1);
        b.midLine();
        assertThat(feed(b, ".\r\n")).isEqualTo(-1); // the "." continues a line cut by the gap
        assertThat(feed(b, ".\r\n")).isEqualTo(3);
    }

    @Test
    void splitAnywhere() {
        String s = "hello\r\n..x\r\n.\r\n";
        BodyScanner whole = new BodyScanner();
        whole.reset();
        feed(whole, s);
        BodyScanner bytes = new BodyScanner();
        bytes.reset();
        for (char c : s.toCharArray()) feed(bytes, String.valueOf(c));
        assertThat(bytes.ended()).isTrue();
        assertThat(bytes.bytes()).isEqualTo(whole.bytes());
        assertThat(bytes.lines()).isEqualTo(whole.lines());
    }
}
