package io.mailtap.smtp;

import io.mailtap.util.Ascii;

import java.util.Arrays;

/**
 * Pulls the user names out of SASL responses (RFC 4954) without ever holding a password in a
 * String. Base64 is decoded into one scratch buffer (one decoder per analyzer, shared by its
 * sessions: nothing is kept between calls); for PLAIN (RFC 4616,
 * {@code authzid NUL authcid NUL passwd}) and XOAUTH2 ({@code user=U ^A auth=Bearer T ^A^A})
 * decoding stops at the separator that precedes the secret, the rest of the input is only
 * checked for being base64, and the buffer is zeroed after use.
 */
final class AuthDecoder {
    /** Result of the last successful {@link #plain} call. */
    String user, authzid;

    private byte[] scratch;
    /** Bytes the last decode wrote into the scratch buffer, valid input or not: what a wipe clears. */
    private int written;

    /**
     * AUTH PLAIN response. Returns false (user/authzid null) when it is not base64 or lacks the
     * two NULs; the identity is the authcid, the authzid is kept when non-empty.
     */
    boolean plain(byte[] b, int off, int end) {
        user = authzid = null;
        int n = decode(b, off, end, (byte) 0, 2);
        try {
            if (n < 0) return false;
            int nul1 = indexOf(scratch, 0, n, (byte) 0);
            if (nul1 < 0) return false;
            int nul2 = indexOf(scratch, nul1 + 1, n, (byte) 0);
            if (nul2 < 0) return false;
            user = Ascii.text(scratch, nul1 + 1, nul2 - nul1 - 1);
            authzid = nul1 > 0 ? Ascii.text(scratch, 0, nul1) : null;
            return true;
        } finally {
            wipe();
        }
    }

    /** AUTH LOGIN user name response: the whole decoded text, or null when not base64. */
    String login(byte[] b, int off, int end) {
        int n = decode(b, off, end, (byte) 0, -1);
        try {
            return n < 0 ? null : Ascii.text(scratch, 0, n);
        } finally {
            wipe();
        }
    }

    /** CRAM-MD5 response "user hexdigest" (RFC 2195): the user is everything before the last space. */
    String cramMd5(byte[] b, int off, int end) {
        int n = decode(b, off, end, (byte) 0, -1);
        try {
            if (n < 0) return null;
            int sp = n - 1;
            while (sp >= 0 && scratch[sp] != ' ') sp--;
            return sp < 0 ? null : Ascii.text(scratch, 0, sp);
        } finally {
            wipe();
        }
    }

    /** XOAUTH2 initial response: the value of {@code user=}; decoding stops before the token. */
    String xoauth2(byte[] b, int off, int end) {
        int n = decode(b, off, end, (byte) 1, 1);
        try {
            if (n < 5 || !Ascii.startsWithIgnoreCase(scratch, 0, n, "user=")) return null;
            int sep = indexOf(scratch, 5, n, (byte) 1);
            return sep < 0 ? null : Ascii.text(scratch, 5, sep - 5);
        } finally {
            wipe();
        }
    }

    /**
     * Decodes base64 {@code b[off, end)} into the scratch buffer. When {@code stopCount} &gt; 0,
     * output stops right after the {@code stopCount}-th {@code stop} byte (the rest is validated,
     * not decoded). Returns the number of bytes written, or -1 if the input is not base64.
     */
    int decode(byte[] b, int off, int end, byte stop, int stopCount) {
        written = 0;
        int len = end - off;
        if (len < 0) return -1;
        while (len > 0 && b[off + len - 1] == '=') len--;
        int pad = end - off - len;
        if (pad > 2 || len % 4 == 1 || (pad > 0 && (len + pad) % 4 != 0)) return -1;
        if (scratch == null || scratch.length < len) scratch = new byte[Math.max(64, len)];
        int out = 0;
        int seen = 0;
        boolean writing = true;
        int acc = 0;
        int bits = 0;
        for (int i = 0; i < len; i++) {
            int v = value(b[off + i]);
            if (v < 0) {
                // The bytes decoded before the bad character may be part of a credential.
                written = out;
                return -1;
            }
            acc = (acc << 6) | v;
            bits += 6;
            if (bits >= 8) {
                bits -= 8;
                byte x = (byte) (acc >> bits);
                acc &= (1 << bits) - 1;
                if (writing) {
                    scratch[out++] = x;
                    if (stopCount > 0 && x == stop && ++seen == stopCount) writing = false;
                }
            }
        }
        written = out;
        return out;
    }

    private static int value(byte c) {
        if (c >= 'A' && c <= 'Z') return c - 'A';
        if (c >= 'a' && c <= 'z') return c - 'a' + 26;
        if (c >= '0' && c <= '9') return c - '0' + 52;
        if (c == '+') return 62;
        if (c == '/') return 63;
        return -1;
    }

    private static int indexOf(byte[] a, int from, int to, byte x) {
        for (int i = from; i < to; i++) if (a[i] == x) return i;
        return -1;
    }

    /** Zeroes what the last decode wrote, whether it succeeded or stopped at a bad character. */
    private void wipe() {
        if (scratch != null && written > 0) Arrays.fill(scratch, 0, written, (byte) 0);
        written = 0;
    }
}
