package io.mailtap.util;

/**
 * Makes wire strings safe to print on a terminal: a hostile HELO must not be able to move the
 * cursor, clear the screen or forge extra lines in an operator's console.
 */
public final class Printable {
    private Printable() {}

    /** Control characters (C0, DEL, C1, line/paragraph separators) become {@code \xNN}/{@code \}{@code uNNNN}; null stays "-". */
    public static String of(String s) {
        if (s == null) return "-";
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean control = c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) || c == 0x2028 || c == 0x2029;
            if (control || c == '\\') {
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
