package io.mailtap.stream.tunnel;

import io.mailtap.util.Ascii;

/**
 * Recognises the set-up of a proxy tunnel at the very start of a connection, so that the SMTP
 * conversation carried inside it can be read: HTTP CONNECT (RFC 9110 9.3.6), SOCKS5 (RFC 1928, with
 * the username/password sub-negotiation of RFC 1929) and SOCKS4/4a. Spam relayed through open
 * proxies looks exactly like this on the wire.
 *
 * <p>Both directions are fed in packet order through {@link #client} and {@link #server}; each
 * returns the index after the bytes that belong to the handshake, so the rest of a segment is the
 * first tunnel payload. Once {@link #clientDone()} (or {@link #serverDone()}) the following bytes of
 * that direction are the tunnelled conversation. A refusal or bytes of the wrong shape make the
 * tunnel {@link #failed()}, with a short reason; nothing here ever throws on peer input. One
 * parser per protocol, each in its own file: {@link HttpConnect}, {@link Socks5}, {@link Socks4}.
 *
 * <p>Memory: the HTTP request line (capped), the target host and a SOCKS user name (255 bytes
 * each at most). A SOCKS5 password is skipped byte by byte and never stored; HTTP headers (and so
 * any Proxy-Authorization) are only counted, never kept.
 */
public abstract class ProxyTunnel {
    /** Bytes of HTTP headers (either direction) after which the request or reply is not believed. */
    public static final int MAX_HTTP_HEADER_BYTES = 16 * 1024;
    static final int MAX_HTTP_LINE = 512;
    static final int MAX_NAME = 255;
    static final String CONNECT = "CONNECT ";

    private String failure;
    boolean clientDone;
    boolean serverDone;

    /**
     * Whether the client's first bytes {@code b[0, n)} open a tunnel: 1 yes (SOCKS version byte 4
     * or 5, or "CONNECT " in any case), 0 no, -1 not known yet (a prefix of "CONNECT ").
     */
    public static int sniff(byte[] b, int n) {
        if (n <= 0) return -1;
        if (b[0] == 0x05 || b[0] == 0x04) return 1;
        for (int i = 0; i < n && i < CONNECT.length(); i++) {
            if (Ascii.upper(b[i]) != CONNECT.charAt(i)) return 0;
        }
        return n >= CONNECT.length() ? 1 : -1;
    }

    /** The parser for a tunnel whose client's first byte is {@code first} (see {@link #sniff}). */
    public static ProxyTunnel start(byte first) {
        if (first == 0x05) return new Socks5();
        if (first == 0x04) return new Socks4();
        return new HttpConnect();
    }

    /** Consumes client bytes of the handshake from {@code b[i, end)}; returns the index after them. */
    public abstract int client(byte[] b, int i, int end);

    /** Consumes server bytes of the handshake from {@code b[i, end)}; returns the index after them. */
    public abstract int server(byte[] b, int i, int end);

    /** What was set up, for the proxy_tunnel anomaly: "http-connect to host:port" and the like. */
    public abstract String description();

    public boolean clientDone() { return clientDone; }

    public boolean serverDone() { return serverDone; }

    public boolean established() { return clientDone && serverDone && failure == null; }

    public boolean failed() { return failure != null; }

    /** Why the handshake was not a working tunnel (null while it may still be one). */
    public String failure() { return failure; }

    /** Records the first failure; returns {@code end} so callers can stop consuming. */
    final int fail(String why, int end) {
        if (failure == null) failure = why;
        return end;
    }

    static String hostPort(String host, int port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /** A length-prefixed or NUL-terminated name kept as text (user name, domain). */
    static final class Name {
        private final byte[] buf = new byte[MAX_NAME];
        private int len;

        /** False when the name would exceed {@link #MAX_NAME} bytes. */
        boolean add(byte c) {
            if (len == buf.length) return false;
            buf[len++] = c;
            return true;
        }

        int length() { return len; }

        String text() { return Ascii.text(buf, 0, len); }
    }
}
