package io.mailtap.smtp;

import io.mailtap.util.Ascii;

/**
 * Walks DATA message text looking for the end-of-data line "." without keeping any of it. Counts
 * the message size as the server would store it (dot-stuffing removed, RFC 5321 section 4.5.2) and
 * the lines seen. A line "." ends the data whether it ends in CRLF or a bare LF, as lenient servers
 * accept; a sensor that must pick one rule picks the one that never misses a message end.
 */
final class BodyScanner {
    private static final int LINE_START = 0, DOT = 1, DOT_CR = 2, MID_LINE = 3;

    private int state = LINE_START;
    private long bytes;
    private long lines;
    private boolean ended;

    void reset() {
        state = LINE_START;
        bytes = 0;
        lines = 0;
        ended = false;
    }

    /** After a gap we are inside some line: a "." only counts after the next line end. */
    void midLine() {
        state = MID_LINE;
    }

    /**
     * Consumes {@code b[off, end)} up to and including the end-of-data line. Returns the index after
     * the consumed bytes; {@link #ended()} tells whether the terminating line was seen.
     */
    int feed(byte[] b, int off, int end) {
        for (int i = off; i < end; i++) {
            if (state == MID_LINE) {
                // Nearly every byte of a message is mid-line: jump to the line end, eight bytes a step
                // (this is the hottest loop of a replay; the switch below costs several times more).
                int j = Ascii.indexOfNewline(b, i, end);
                bytes += j - i;
                if (j == end) return end;
                bytes++;
                lines++;
                state = LINE_START;
                i = j;
                continue;
            }
            byte c = b[i];
            switch (state) {
                case LINE_START:
                    if (c == '.') {
                        state = DOT; // not counted: either stuffing or the terminator
                    } else {
                        bytes++;
                        if (c == '\n') lines++;
                        else state = MID_LINE;
                    }
                    break;
                case DOT:
                    if (c == '\n') return finish(i);
                    if (c == '\r') {
                        state = DOT_CR;
                    } else {
                        bytes++; // the stuffed dot is dropped, this byte is text
                        state = MID_LINE;
                    }
                    break;
                case DOT_CR:
                    if (c == '\n') return finish(i);
                    // Extra CRs before the LF still end the data (as Zeek allows); they are not counted.
                    if (c != '\r') {
                        bytes += 2; // ".\rX": the dot was stuffing, the CR is text
                        state = MID_LINE;
                    }
                    break;
                default:
                    bytes++;
                    if (c == '\n') {
                        lines++;
                        state = LINE_START;
                    }
                    break;
            }
        }
        return end;
    }

    private int finish(int i) {
        lines++;
        ended = true;
        state = LINE_START;
        return i + 1;
    }

    boolean ended() { return ended; }

    /** Message bytes after unstuffing, excluding the terminating line. */
    long bytes() { return bytes; }

    /** Lines consumed, the terminating "." included once it was seen. */
    long lines() { return lines; }

    /** True when the next byte starts a new line. */
    boolean atLineStart() { return state == LINE_START; }
}
