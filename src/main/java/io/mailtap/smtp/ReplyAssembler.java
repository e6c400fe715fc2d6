package io.mailtap.smtp;

import io.mailtap.util.Ascii;

/**
 * Assembles server lines into replies: {@code ddd-text} lines continue a reply, {@code ddd text}
 * or a bare {@code ddd} ends it (RFC 5321 section 4.2.1). The text of the first
 * {@code maxLinesKept} lines is kept, joined by single spaces and capped, in a buffer reused for
 * every reply; the String is only built when someone asks for it.
 */
final class ReplyAssembler {
    enum Result {
        /** The line continued a multi-line reply. */
        INCOMPLETE,
        /** A reply is complete; read it, then {@link #reset()}. */
        COMPLETE,
        /**
         * A multi-line reply was cut short by a line with another code (seen in the wild): the
         * previous reply is complete and the same line must be offered again after {@link #reset()}.
         */
        COMPLETE_AND_REFEED,
        /** Not a reply line (no 3-digit code); ignored. */
        MALFORMED
    }

    private final int maxText;
    private final int maxLinesKept;
    private byte[] text;
    private int textLen;
    private int lines;
    private int code;
    private boolean inProgress;
    private String cachedText;

    ReplyAssembler(int maxTextBytes, int maxLinesKept) {
        this.maxText = Math.max(16, maxTextBytes);
        this.maxLinesKept = Math.max(1, maxLinesKept);
    }

    Result onLine(byte[] b, int len) {
        if (len < 3 || !Ascii.isDigit(b[0]) || !Ascii.isDigit(b[1]) || !Ascii.isDigit(b[2]) || b[0] == '0') {
            return Result.MALFORMED;
        }
        int lineCode = (b[0] - '0') * 100 + (b[1] - '0') * 10 + (b[2] - '0');
        if (inProgress && lineCode != code) {
            return Result.COMPLETE_AND_REFEED;
        }
        if (!inProgress) {
            inProgress = true;
            code = lineCode;
            textLen = 0;
            lines = 0;
            cachedText = null;
        }
        boolean more = len > 3 && b[3] == '-';
        if (lines++ < maxLinesKept && len > 4) appendText(b, 4, len);
        return more ? Result.INCOMPLETE : Result.COMPLETE;
    }

    private void appendText(byte[] b, int from, int to) {
        // Grown on demand up to the cap: a million idle sessions must not each hold a full-size buffer.
        int need = Math.min(maxText, textLen + 1 + (to - from));
        if (text == null || text.length < need) {
            int cap = Math.min(maxText, Math.max(need, text == null ? 64 : text.length * 2));
            text = text == null ? new byte[cap] : java.util.Arrays.copyOf(text, cap);
        }
        if (textLen > 0 && textLen < maxText) text[textLen++] = ' ';
        int n = Math.min(to - from, maxText - textLen);
        if (n > 0) {
            System.arraycopy(b, from, text, textLen, n);
            textLen += n;
        }
    }

    /** A multi-line reply has started and not finished. */
    boolean inProgress() { return inProgress; }

    int code() { return code; }

    /** The kept text of the reply just completed (without codes), possibly empty. */
    String text() {
        if (cachedText == null) cachedText = Ascii.text(text, 0, textLen);
        return cachedText;
    }

    /** The kept text as bytes (valid up to {@link #textLength()}), for decoding SASL challenges. */
    byte[] textBytes() { return text; }

    int textLength() { return textLen; }

    /** Lines the completed reply had. */
    int lines() { return lines; }

    /** Forget the reply (after it was consumed, or after a gap cut it). */
    void reset() {
        inProgress = false;
        textLen = 0;
        lines = 0;
        cachedText = null;
    }
}
