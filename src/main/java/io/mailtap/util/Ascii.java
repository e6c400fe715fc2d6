package io.mailtap.util;

/** Byte-level helpers for the ASCII parts of SMTP and the protocols around it (proxy handshakes); no allocation. */
public final class Ascii {
    private static final java.lang.invoke.VarHandle LONGS =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final long NEWLINES = 0x0A0A0A0A0A0A0A0AL;
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    private Ascii() {}

    /**
     * Index of the first LF in {@code b[from, to)}, or {@code to}. Message bodies are most of the
     * bytes a sensor sees and are only searched for line ends, so this looks at eight bytes per
     * step: in {@code x = word ^ 0x0A...}, a byte equal to LF becomes zero, and
     * {@code (x - 0x01...) & ~x & 0x80...} has its lowest set bit in the first zero byte
     * (little-endian word, so the lowest bit is the earliest byte).
     */
    public static int indexOfNewline(byte[] b, int from, int to) {
        int i = from;
        for (; i + Long.BYTES <= to; i += Long.BYTES) {
            long x = (long) LONGS.get(b, i) ^ NEWLINES;
            long found = (x - ONES) & ~x & HIGHS;
            if (found != 0) return i + (Long.numberOfTrailingZeros(found) >>> 3);
        }
        while (i < to && b[i] != '\n') i++;
        return i;
    }

    public static int upper(byte b) {
        return (b >= 'a' && b <= 'z') ? b - 32 : b & 0xff;
    }

    public static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    public static boolean isBlank(byte b) {
        return b == ' ' || b == '\t';
    }

    /** True if {@code b[off..]} starts with {@code prefix} ignoring ASCII letter case. */
    public static boolean startsWithIgnoreCase(byte[] b, int off, int end, String prefix) {
        if (end - off < prefix.length()) return false;
        for (int i = 0; i < prefix.length(); i++) {
            if (upper(b[off + i]) != Character.toUpperCase(prefix.charAt(i))) return false;
        }
        return true;
    }

    public static int skipBlanks(byte[] b, int i, int end) {
        while (i < end && isBlank(b[i])) i++;
        return i;
    }

    public static int trimTrailingBlanks(byte[] b, int start, int end) {
        while (end > start && isBlank(b[end - 1])) end--;
        return end;
    }

    /**
     * Control bytes that never occur in an SMTP command line (NUL..BS, VT, FF, SO..US, DEL).
     * TAB, CR and LF are excluded; bytes >= 0x80 are allowed because SMTPUTF8 exists.
     */
    public static boolean isBinary(byte b) {
        int c = b & 0xff;
        return c < 0x09 || c == 0x0b || c == 0x0c || (c >= 0x0e && c < 0x20) || c == 0x7f;
    }

    /** The bytes as a String, UTF-8 with invalid sequences replaced (never throws). */
    public static String text(byte[] b, int off, int len) {
        return len <= 0 ? "" : new String(b, off, len, java.nio.charset.StandardCharsets.UTF_8);
    }
}
