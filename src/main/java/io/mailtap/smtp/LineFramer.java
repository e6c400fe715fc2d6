package io.mailtap.smtp;

import io.mailtap.util.Ascii;

import java.util.Arrays;

/**
 * Splits one direction of a connection into lines. A line ends at LF; CRs before it are dropped
 * (CRLF is the standard, bare LF is what real clients and servers also send). A line longer than
 * the cap keeps its head and the rest up to its end is discarded, so memory per direction is
 * bounded by the cap whatever the peer sends. The buffer is allocated on first use and reused; a
 * session hands its framer back to the analyzer's spares between lines ({@link #idle()}).
 */
final class LineFramer {
    private static final int INITIAL = 128;

    private final int max;
    private byte[] buf;
    private int len;
    private boolean truncated;
    private boolean ready;
    private boolean discarding;

    LineFramer(int maxLineBytes) {
        this.max = Math.max(1, maxLineBytes);
    }

    /**
     * Consumes {@code b[off, end)} up to and including the first line end. Returns the index after
     * the consumed bytes; {@link #ready()} then says whether a complete line is available.
     */
    int feed(byte[] b, int off, int end) {
        while (off < end) {
            int nl = Ascii.indexOfNewline(b, off, end);
            if (!discarding) append(b, off, nl);
            if (nl == end) return end;
            if (discarding) { // the tail of an over-long line ends here; the next line starts after it
                discarding = false;
                off = nl + 1;
                continue;
            }
            while (len > 0 && buf[len - 1] == '\r') len--;
            if (len > max) {
                len = max;
                truncated = true;
            }
            ready = true;
            return nl + 1;
        }
        return end;
    }

    /** Keeps at most one byte past the cap, so a CR right at the cap does not count as overflow. */
    private void append(byte[] b, int from, int to) {
        int n = to - from;
        if (n <= 0) return;
        int take = Math.min(n, max + 1 - len);
        if (take <= 0) {
            truncated = true;
            return;
        }
        while (buf == null || len + take > buf.length) grow();
        System.arraycopy(b, from, buf, len, take);
        len += take;
        if (take < n) truncated = true;
    }

    private void grow() {
        int cap = buf == null ? Math.min(INITIAL, max + 1) : Math.min(buf.length * 2, max + 1);
        buf = buf == null ? new byte[cap] : Arrays.copyOf(buf, cap);
    }

    boolean ready() { return ready; }

    byte[] buffer() { return buf; }

    int length() { return len; }

    /** The current line was longer than the cap (only its head is kept). */
    boolean truncated() { return truncated; }

    /** Bytes of an unfinished line are held. */
    boolean hasPartial() { return !ready && (len > 0 || truncated); }

    /**
     * Nothing of the stream is held: no partial line, not skipping to a line end. The framer can
     * then go back to the spares and another one take over at the next byte.
     */
    boolean idle() { return len == 0 && !truncated && !ready && !discarding; }

    /** Back to the state of a new framer (the buffer is kept for reuse). */
    void reset() {
        next();
        discarding = false;
    }

    /** Forget the line just consumed and start the next one. */
    void next() {
        len = 0;
        truncated = false;
        ready = false;
    }

    /** Overwrite the held bytes (used after AUTH responses so secrets do not linger). */
    void wipe() {
        if (buf != null) Arrays.fill(buf, (byte) 0);
    }

    /**
     * Drop any partial line and everything up to the next line end: after a gap the bytes that
     * follow start somewhere inside a line, and after a rejected DATA the head of the current line
     * was already consumed as message text.
     */
    void discardRestOfLine() {
        next();
        discarding = true;
    }
}
