package io.mailtap.smtp;

/**
 * The "code text" String of a reply, as the transaction log records it, shared between replies
 * with the same code and text. Servers repeat themselves: an MX answers every EHLO with the same
 * capability list and every RSET with the same "250 2.0.0 Ok". An idle session keeps the last
 * reply for its connection record, so without sharing a million idle sessions would hold a
 * million copies of a few distinct lines (about 120 bytes each for a typical EHLO reply).
 *
 * <p>A small direct-mapped table of recent lines, one per analyzer (one thread). A hit is checked
 * character by character against the reply's bytes and only counts when every byte is ASCII and
 * the line was not capped, so a hit returns exactly the String a miss would build: the table
 * changes memory and allocation, never output.
 */
final class ReplyLines {
    private static final int SLOTS = 256; // a power of two

    private final String[] lines = new String[SLOTS];
    private final int maxChars;

    ReplyLines(int maxChars) {
        this.maxChars = maxChars;
    }

    /** The line of the reply {@code r} has just completed. */
    String line(ReplyAssembler r) {
        int code = r.code();
        byte[] text = r.textBytes();
        int n = r.textLength();
        int h = code;
        for (int i = 0; i < n; i++) h = 31 * h + text[i];
        int slot = (h ^ (h >>> 8) ^ (h >>> 16)) & (SLOTS - 1);
        String s = lines[slot];
        if (s != null && same(s, code, text, n)) return s;
        String t = r.text();
        s = t.isEmpty() ? Integer.toString(code) : code + " " + t;
        if (s.length() > maxChars) s = s.substring(0, Math.max(0, maxChars));
        lines[slot] = s;
        return s;
    }

    /** {@code s} is "code" (no text) or "code text" with exactly these ASCII bytes. */
    private static boolean same(String s, int code, byte[] text, int n) {
        if (s.length() != (n == 0 ? 3 : 4 + n)) return false;
        if (s.charAt(0) != '0' + code / 100 || s.charAt(1) != '0' + code / 10 % 10 || s.charAt(2) != '0' + code % 10) {
            return false;
        }
        if (n == 0) return true;
        if (s.charAt(3) != ' ') return false;
        // A negative (non-ASCII) byte never equals a char: such text is decoded as UTF-8 and is
        // only ever rebuilt, never matched.
        for (int i = 0; i < n; i++) if (s.charAt(4 + i) != text[i]) return false;
        return true;
    }
}
