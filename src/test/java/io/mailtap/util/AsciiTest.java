package io.mailtap.util;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class AsciiTest {
    private static int naive(byte[] b, int from, int to) {
        int i = from;
        while (i < to && b[i] != '\n') i++;
        return i;
    }

    @Test
    void wordAtATimeNewlineSearchAgreesWithTheByteLoopEverywhere() {
        // Bytes that differ from LF in one bit, high bytes (borrow), and LF itself, at every alignment.
        byte[] alphabet = {'\n', 0x0B, 0x0E, 0x08, 0x02, 0x4A, (byte) 0x8A, (byte) 0xFF, 0x00, 0x0A - 1, 'x', '\r'};
        SplittableRandom rnd = new SplittableRandom(5321);
        for (int round = 0; round < 20_000; round++) {
            byte[] b = new byte[rnd.nextInt(1, 40)];
            for (int i = 0; i < b.length; i++) b[i] = rnd.nextInt(4) == 0 ? alphabet[rnd.nextInt(alphabet.length)] : (byte) rnd.nextInt(256);
            int from = rnd.nextInt(b.length + 1), to = from + rnd.nextInt(b.length - from + 1);
            assertThat(Ascii.indexOfNewline(b, from, to)).as("round %d", round).isEqualTo(naive(b, from, to));
        }
    }

    @Test
    void findsTheFirstOfSeveralNewlinesInOneWordAndNoneBeyondTheEnd() {
        byte[] b = "ab\ncd\n\nefghijkl\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertThat(Ascii.indexOfNewline(b, 0, b.length)).isEqualTo(2);
        assertThat(Ascii.indexOfNewline(b, 3, b.length)).isEqualTo(5);
        assertThat(Ascii.indexOfNewline(b, 7, 15)).as("stops at the bound, not the LF after it").isEqualTo(15);
    }
}
