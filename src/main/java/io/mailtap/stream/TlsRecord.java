package io.mailtap.stream;

/** Tells a TLS record from plain text by the first bytes of a direction. */
final class TlsRecord {
    private TlsRecord() {}

    /**
     * 1: {@code s[0, n)} starts a TLS handshake record header (0x16 0x03 0x00-0x04), 0: it does
     * not, -1: more bytes are needed to tell.
     */
    static int verdict(byte[] s, int n) {
        if (s[0] != 0x16) return 0;
        if (n < 2) return -1;
        if (s[1] != 0x03) return 0;
        if (n < 3) return -1;
        return s[2] >= 0 && s[2] <= 4 ? 1 : 0;
    }
}
