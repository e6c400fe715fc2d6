package io.mailtap.util;

/**
 * Makes wire strings safe to print on a terminal: a hostile HELO must not be able to move the
 * cursor, clear the screen, forge extra lines or reorder what an operator reads in a console.
 */
public final class Printable {
    private Printable() {}

    /**
     * The characters no output of mailtap writes raw: C0, DEL, C1, the line/paragraph separators
     * U+2028/2029, and the bidirectional embedding, override and isolate controls U+202A–202E and
     * U+2066–2069 ("Trojan Source", CVE-2021-42574: a U+202E in a HELO makes a terminal or a log
     * viewer show the rest of the line reversed). {@code log/SafeJson} escapes the same set.
     */
    public static boolean isControl(int c) {
        return c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) || c == 0x2028 || c == 0x2029
                || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
    }

    /** Control characters ({@link #isControl}) become {@code \xNN}/{@code \}{@code uNNNN}; null stays "-". */
    public static String of(String s) {
        if (s == null) return "-";
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (isControl(c) || c == '\\') {
                if (b == null) b = new StringBuilder(s.length() + 16).append(s, 0, i);
                if (c == '\\') b.append("\\\\");
                else if (c <= 0xff) b.append(String.format("\\x%02x", (int) c));
                else b.append(String.format("\\u%04x", (int) c));
            } else if (b != null) {
                b.append(c);
            }
        }
        return b == null ? s : b.toString();
    }

    /** {@link #of} cut to {@code max} characters with an ellipsis, for one-line summaries. */
    public static String brief(String s, int max) {
        String p = of(s);
        return p.length() <= max ? p : p.substring(0, Math.max(0, max - 1)) + "…";
    }
}
