package io.mailtap.text;

/**
 * The one home of the policies for text that came off the wire from a hostile peer. Each output
 * context has exactly one policy, written here once:
 * <ul>
 *   <li>{@link #cap}: bounded length, cut marked with "…", never between the halves of a surrogate
 *       pair (state, evidence, anomaly details, labels);</li>
 *   <li>{@link #forTerminal}: a console or a log line read by a person — controls as {@code \xNN}
 *       (or {@code \}{@code uNNNN} above U+00FF), the backslash itself doubled so the escape is
 *       unambiguous;</li>
 *   <li>{@link #forAnnotation}: text a chat message or a mail shows after JSON decoding
 *       (Alertmanager annotations and labels) — controls as {@code \}{@code uNNNN}, a lone surrogate
 *       (not encodable as UTF-8) as U+FFFD;</li>
 *   <li>JSON records ({@code log/SafeJson}) escape the same {@link #isControl} set as JSON escapes.</li>
 * </ul>
 */
public final class WireText {
    /** Marks a cut made by {@link #cap}. */
    public static final char ELLIPSIS = '\u2026';

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private WireText() {}

    /**
     * The characters no output of mailtap writes raw: C0, DEL, C1, the line/paragraph separators
     * U+2028/2029, and the bidirectional embedding, override and isolate controls U+202A–202E and
     * U+2066–2069 ("Trojan Source", CVE-2021-42574: a U+202E in a HELO makes a terminal, a log
     * viewer or a chat client show the rest of the line reversed).
     */
    public static boolean isControl(int c) {
        return c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) || c == 0x2028 || c == 0x2029
                || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
    }

    /**
     * {@code s} cut to at most {@code max} characters, the last of them "…" when cut; a cut never
     * splits a surrogate pair (a high surrogate before the cut goes too). Null stays null; {@code max <= 0} gives "…"
     * for any string that does not fit, so a cut is always visible.
     */
    public static String cap(String s, int max) {
        if (s == null || s.length() <= max) return s;
        int end = max - 1;
        if (end > 0 && Character.isHighSurrogate(s.charAt(end - 1))) end--;
        return s.substring(0, Math.max(0, end)) + ELLIPSIS;
    }

    /**
     * Safe to print on a terminal: a hostile HELO must not move the cursor, clear the screen, forge
     * extra lines or reorder what an operator reads. Controls ({@link #isControl}) become
     * {@code \xNN} (up to U+00FF) or {@code \}{@code uNNNN}, a lone surrogate {@code \}{@code uNNNN},
     * a backslash {@code \\}; null is "-". Returns {@code s} itself when nothing needs escaping.
     */
    public static String forTerminal(String s) {
        if (s == null) return "-";
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean pair = isPairAt(s, i);
            boolean escape = c == '\\' || isControl(c) || (Character.isSurrogate(c) && !pair);
            if (escape && b == null) b = new StringBuilder(s.length() + 16).append(s, 0, i);
            if (b != null) {
                if (c == '\\') b.append("\\\\");
                else if (escape && c <= 0xff) b.append("\\x").append(HEX[c >> 4]).append(HEX[c & 0xf]);
                else if (escape) appendU(b, c);
                else b.append(c);
                if (pair) b.append(s.charAt(i + 1));
            }
            if (pair) i++;
        }
        return b == null ? s : b.toString();
    }

    /** {@link #forTerminal} cut to {@code max} characters with {@link #cap}, for one-line summaries. */
    public static String forTerminal(String s, int max) {
        return cap(forTerminal(s), max);
    }

    /**
     * Safe to show in a chat message or a mail (Alertmanager annotations and labels): controls
     * ({@link #isControl}, bidi controls included) as {@code \}{@code uNNNN}, a lone surrogate as
     * U+FFFD; null stays null. Returns {@code s} itself when nothing needs escaping.
     */
    public static String forAnnotation(String s) {
        if (s == null) return null;
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean pair = isPairAt(s, i);
            boolean control = isControl(c);
            boolean lone = Character.isSurrogate(c) && !pair;
            if ((control || lone) && b == null) b = new StringBuilder(s.length() + 16).append(s, 0, i);
            if (b != null) {
                if (control) appendU(b, c);
                else if (lone) b.append('\ufffd');
                else b.append(c);
                if (pair) b.append(s.charAt(i + 1));
            }
            if (pair) i++;
        }
        return b == null ? s : b.toString();
    }

    /** {@link #forAnnotation} then {@link #cap}: the escapes count against {@code max}. */
    public static String forAnnotation(String s, int max) {
        return cap(forAnnotation(s), max);
    }

    private static boolean isPairAt(String s, int i) {
        return Character.isHighSurrogate(s.charAt(i)) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
    }

    private static void appendU(StringBuilder b, char c) {
        b.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 0xf]).append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
    }
}
