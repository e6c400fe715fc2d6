package io.mailtap.text;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Each hostile-text policy against what an attacker can put in a HELO, an account or a reply. */
class WireTextTest {
    /** Every control WireText knows, one string: C0, DEL, C1, separators, bidi embeddings/overrides/isolates. */
    private static String everyControl() {
        StringBuilder b = new StringBuilder();
        for (int c = 0; c < 0x20; c++) b.append((char) c);
        b.append('\u007f');
        for (int c = 0x80; c <= 0x9f; c++) b.append((char) c);
        b.append('\u2028').append('\u2029');
        for (int c = 0x202a; c <= 0x202e; c++) b.append((char) c);
        for (int c = 0x2066; c <= 0x2069; c++) b.append((char) c);
        return b.toString();
    }

    @Test
    void controlSetIsExactlyC0DelC1SeparatorsAndBidi() {
        String all = everyControl();
        for (int i = 0; i < all.length(); i++) assertThat(WireText.isControl(all.charAt(i))).as("U+%04x", (int) all.charAt(i)).isTrue();
        int controls = 0;
        for (int c = 0; c <= 0xffff; c++) if (WireText.isControl(c)) controls++;
        assertThat(controls).isEqualTo(all.length());
        assertThat(WireText.isControl(0x20)).isFalse();
        assertThat(WireText.isControl(0xa0)).isFalse();
        assertThat(WireText.isControl(0x202f)).isFalse();
        assertThat(WireText.isControl(0x2065)).isFalse();
        assertThat(WireText.isControl(0x206a)).isFalse();
    }

    @Test
    void terminalEscapesEveryControlAsHexOrU() {
        for (int c = 0; c < 0x20; c++) assertThat(WireText.forTerminal("ok" + (char) c + "com")).isEqualTo(String.format("ok\\x%02xcom", c));
        for (int c = 0x80; c <= 0x9f; c++) assertThat(WireText.forTerminal("ok" + (char) c + "com")).isEqualTo(String.format("ok\\x%02xcom", c));
        assertThat(WireText.forTerminal("a\u001b[2Jb\u0085\u007f")).isEqualTo("a\\x1b[2Jb\\x85\\x7f");
        // Trojan Source: the override must not reach the terminal raw
        assertThat(WireText.forTerminal("mx.\u202eelpmaxe")).isEqualTo("mx.\\u202eelpmaxe");
        assertThat(WireText.forTerminal("a\u2066b\u2069\u2028")).isEqualTo("a\\u2066b\\u2069\\u2028");
        String escaped = WireText.forTerminal(everyControl());
        for (int i = 0; i < escaped.length(); i++) assertThat(WireText.isControl(escaped.charAt(i))).isFalse();
    }

    @Test
    void terminalDoublesTheBackslashSoAnEscapeCannotBeForged() {
        assertThat(WireText.forTerminal("a\\x1bb")).isEqualTo("a\\\\x1bb");
        assertThat(WireText.forTerminal("a\u001bb")).isNotEqualTo(WireText.forTerminal("a\\x1bb"));
    }

    @Test
    void terminalKeepsTextAndPairsEscapesLoneSurrogates() {
        String plain = "Grüße מזל 😀 mx.example";
        assertThat(WireText.forTerminal(plain)).isSameAs(plain);
        assertThat(WireText.forTerminal("a\ud800b")).isEqualTo("a\\ud800b");
        assertThat(WireText.forTerminal("a\udc00")).isEqualTo("a\\udc00");
        assertThat(WireText.forTerminal("\ud83d\ude00\u0007")).isEqualTo("\ud83d\ude00\\x07");
        assertThat(WireText.forTerminal(null)).isEqualTo("-");
    }

    @Test
    void terminalBriefCapsAfterEscaping() {
        assertThat(WireText.forTerminal("x".repeat(100), 10)).isEqualTo("x".repeat(9) + "…");
        assertThat(WireText.forTerminal("short", 10)).isEqualTo("short");
        assertThat(WireText.forTerminal("\u001b".repeat(10), 10)).hasSize(10).startsWith("\\x1b").endsWith("…");
    }

    @Test
    void annotationEscapesControlsAsUAndBidiToo() {
        assertThat(WireText.forAnnotation("evil\u001b[2J\r\nfake\u0000\u0085\u2028"))
                .isEqualTo("evil\\u001b[2J\\u000d\\u000afake\\u0000\\u0085\\u2028");
        assertThat(WireText.forAnnotation("mx.\u202eelpmaxe\u2067")).isEqualTo("mx.\\u202eelpmaxe\\u2067");
        String escaped = WireText.forAnnotation(everyControl());
        for (int i = 0; i < escaped.length(); i++) assertThat(WireText.isControl(escaped.charAt(i))).isFalse();
        assertThat(WireText.forAnnotation("back\\slash")).isEqualTo("back\\slash"); // annotations are not re-parsed
        assertThat(WireText.forAnnotation(null)).isNull();
    }

    @Test
    void annotationReplacesLoneSurrogatesAndKeepsPairs() {
        String plain = "Grüße 😀";
        assertThat(WireText.forAnnotation(plain)).isSameAs(plain);
        assertThat(WireText.forAnnotation("a\ud800b")).isEqualTo("a\ufffdb");
        assertThat(WireText.forAnnotation("a\udc00\ud800")).isEqualTo("a\ufffd\ufffd");
        assertThat(WireText.forAnnotation("\ude00\ud83d\ude00")).isEqualTo("\ufffd\ud83d\ude00");
    }

    @Test
    void capMarksTheCutAndNeverSplitsAPair() {
        assertThat(WireText.cap("x".repeat(500), 300)).hasSize(300).endsWith("…");
        assertThat(WireText.cap("abc", 3)).isEqualTo("abc");
        assertThat(WireText.cap("abcd", 3)).isEqualTo("ab…");
        assertThat(WireText.cap(null, 3)).isNull();
        // a pair straddling the cut goes whole: "ab" + 😀 + "cd" cut at 4 keeps "ab" (3 would split 😀)
        String emoji = "ab\ud83d\ude00cd";
        assertThat(WireText.cap(emoji, 4)).isEqualTo("ab…");
        assertThat(WireText.cap(emoji, 5)).isEqualTo("ab\ud83d\ude00…");
        for (int max = 0; max < emoji.length(); max++) {
            String c = WireText.cap(emoji, max);
            assertThat(c).endsWith("…");
            assertThat(Character.isHighSurrogate(c.charAt(Math.max(0, c.length() - 2))) && c.length() >= 2).isFalse();
        }
        assertThat(WireText.cap("abc", 0)).isEqualTo("…");
        assertThat(WireText.cap("abc", 1)).isEqualTo("…");
    }

    @Test
    void annotationCapCountsTheEscapes() {
        String s = WireText.forAnnotation("\u0000".repeat(100), 20);
        assertThat(s).hasSize(20).startsWith("\\u0000\\u0000\\u0000").endsWith("…");
    }
}
