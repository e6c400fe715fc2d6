package io.mailtap.smtp;

import io.mailtap.flow.IpText;

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
 * tunnel {@link #failed()}, with a short reason; nothing here ever throws on peer input.
 *
 * <p>Memory: the HTTP request line (capped), the target host and a SOCKS user name (255 bytes
 * each at most). A SOCKS5 password is skipped byte by byte and never stored; HTTP headers (and so
 * any Proxy-Authorization) are only counted, never kept.
 */
abstract class ProxyTunnel {
    /** Bytes of HTTP headers (either direction) after which the request or reply is not believed. */
    static final int MAX_HTTP_HEADER_BYTES = 16 * 1024;
    private static final int MAX_HTTP_LINE = 512;
    private static final int MAX_NAME = 255;
    private static final String CONNECT = "CONNECT ";

    private String failure;
    boolean clientDone;
    boolean serverDone;

    /**
     * Whether the client's first bytes {@code b[0, n)} open a tunnel: 1 yes (SOCKS version byte 4
     * or 5, or "CONNECT " in any case), 0 no, -1 not known yet (a prefix of "CONNECT ").
     */
    static int sniff(byte[] b, int n) {
        if (n <= 0) return -1;
        if (b[0] == 0x05 || b[0] == 0x04) return 1;
        for (int i = 0; i < n && i < CONNECT.length(); i++) {
            if (Ascii.upper(b[i]) != CONNECT.charAt(i)) return 0;
        }
        return n >= CONNECT.length() ? 1 : -1;
    }

    /** The parser for a tunnel whose client's first byte is {@code first} (see {@link #sniff}). */
    static ProxyTunnel start(byte first) {
        if (first == 0x05) return new Socks5();
        if (first == 0x04) return new Socks4();
        return new HttpConnect();
    }

    /** Consumes client bytes of the handshake from {@code b[i, end)}; returns the index after them. */
    abstract int client(byte[] b, int i, int end);

    /** Consumes server bytes of the handshake from {@code b[i, end)}; returns the index after them. */
    abstract int server(byte[] b, int i, int end);

    /** What was set up, for the proxy_tunnel anomaly: "http-connect to host:port" and the like. */
    abstract String description();

    boolean clientDone() { return clientDone; }

    boolean serverDone() { return serverDone; }

    boolean established() { return clientDone && serverDone && failure == null; }

    boolean failed() { return failure != null; }

    /** Why the handshake was not a working tunnel (null while it may still be one). */
    String failure() { return failure; }

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

    // ------------------------------------------------------------------ HTTP CONNECT

    /**
     * {@code CONNECT host:port HTTP/1.x} and header lines up to a blank line; then
     * {@code HTTP/1.x 2xx ...} and header lines up to a blank line. Tokens between the target and
     * the version are tolerated (old spam tools send "CONNECT host:25 / HTTP/1.0"), so are bare-LF
     * line ends and header lines without a colon.
     */
    static final class HttpConnect extends ProxyTunnel {
        private static final byte[] PROXY_AUTH = "PROXY-AUTHORIZATION:".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

        private byte[] line = new byte[64];
        private int lineLen;
        private final byte[] status = new byte[32];
        private int statusLen;
        private boolean clientInHeaders, serverInHeaders;
        private int clientHeaderBytes, serverHeaderBytes;
        /** Non-CR bytes of the current header line (0 at the end: the blank line). */
        private int clientLineBytes, serverLineBytes;
        /** How much of "Proxy-Authorization:" the current client header line has matched (-1: no match). */
        private int authMatch;
        private boolean credentials;
        private String target;

        @Override
        int client(byte[] b, int i, int end) {
            while (i < end && !clientDone && !failed()) {
                byte c = b[i++];
                if (!clientInHeaders) {
                    if (c == '\n') {
                        requestLine();
                        clientInHeaders = true;
                        line = null; // the target is kept as text; the buffer is not needed any more
                        authMatch = 0;
                    } else if (c != '\r') {
                        // Give up at the first byte that cannot start "CONNECT ", not at the line end.
                        if (lineLen < CONNECT.length() && Ascii.upper(c) != CONNECT.charAt(lineLen)) {
                            return fail("client line is not an HTTP CONNECT request", end);
                        }
                        if (!keep(c)) return fail("http-connect request line longer than " + MAX_HTTP_LINE + " bytes", end);
                    }
                    continue;
                }
                if (++clientHeaderBytes > MAX_HTTP_HEADER_BYTES) {
                    return fail("http-connect request headers longer than " + MAX_HTTP_HEADER_BYTES + " bytes", end);
                }
                if (c == '\n') {
                    if (clientLineBytes == 0) clientDone = true;
                    clientLineBytes = 0;
                    authMatch = 0;
                } else if (c != '\r') {
                    if (authMatch >= 0 && authMatch < PROXY_AUTH.length) {
                        authMatch = Ascii.upper(c) == PROXY_AUTH[authMatch] ? authMatch + 1 : -1;
                        if (authMatch == PROXY_AUTH.length) credentials = true;
                    }
                    clientLineBytes++;
                }
            }
            return i;
        }

        @Override
        int server(byte[] b, int i, int end) {
            while (i < end && !serverDone && !failed()) {
                byte c = b[i++];
                if (!serverInHeaders) {
                    if (c == '\n') {
                        statusLine();
                        serverInHeaders = true;
                    } else if (c != '\r') {
                        // Only the head of the status line matters ("HTTP/1.1 200"); the rest is counted.
                        if (statusLen == MAX_HTTP_LINE) return fail("proxy reply line is not an HTTP status line", end);
                        if (statusLen < status.length) status[statusLen] = c;
                        statusLen++;
                    }
                    continue;
                }
                if (++serverHeaderBytes > MAX_HTTP_HEADER_BYTES) {
                    return fail("http-connect reply headers longer than " + MAX_HTTP_HEADER_BYTES + " bytes", end);
                }
                if (c == '\n') {
                    if (serverLineBytes == 0) serverDone = true;
                    serverLineBytes = 0;
                } else if (c != '\r') {
                    serverLineBytes++;
                }
            }
            return i;
        }

        private boolean keep(byte c) {
            if (lineLen == MAX_HTTP_LINE) return false;
            if (lineLen == line.length) line = java.util.Arrays.copyOf(line, Math.min(MAX_HTTP_LINE, line.length * 2));
            line[lineLen++] = c;
            return true;
        }

        /** "CONNECT target [tokens] HTTP/1.x". */
        private void requestLine() {
            int n = lineLen;
            if (!Ascii.startsWithIgnoreCase(line, 0, n, "CONNECT ")) {
                fail("client line is not an HTTP CONNECT request", 0);
                return;
            }
            int t = Ascii.skipBlanks(line, 8, n);
            int te = t;
            while (te < n && !Ascii.isBlank(line[te])) te++;
            int lastEnd = Ascii.trimTrailingBlanks(line, te, n);
            int last = lastEnd;
            while (last > te && !Ascii.isBlank(line[last - 1])) last--;
            if (te == t || last == te || !Ascii.startsWithIgnoreCase(line, last, lastEnd, "HTTP/")) {
                fail("malformed HTTP CONNECT request line", 0);
                return;
            }
            target = Ascii.text(line, t, Math.min(te - t, MAX_NAME + 6));
        }

        /** "HTTP/x.y ddd reason": 2xx opens the tunnel, anything else refuses it. */
        private void statusLine() {
            int n = Math.min(statusLen, status.length);
            byte[] l = status;
            int sp = 0;
            while (sp < n && l[sp] != ' ') sp++;
            int d = Ascii.skipBlanks(l, sp, n);
            if (!Ascii.startsWithIgnoreCase(l, 0, n, "HTTP/") || d + 3 > n
                    || !Ascii.isDigit(l[d]) || !Ascii.isDigit(l[d + 1]) || !Ascii.isDigit(l[d + 2])
                    || (d + 3 < n && !Ascii.isBlank(l[d + 3]))) {
                fail("proxy reply line is not an HTTP status line", 0);
                return;
            }
            int code = (l[d] - '0') * 100 + (l[d + 1] - '0') * 10 + (l[d + 2] - '0');
            if (code < 200 || code > 299) fail("http-connect to " + targetText() + " refused: " + code, 0);
        }

        private String targetText() { return target == null ? "unknown target" : target; }

        @Override
        String description() {
            return "http-connect to " + targetText() + (credentials ? " with proxy credentials" : "");
        }
    }

    // ------------------------------------------------------------------ SOCKS5

    /** RFC 1928 CONNECT, optionally after RFC 1929 username/password authentication. */
    static final class Socks5 extends ProxyTunnel {
        private enum C { VER, NMETHODS, METHODS, NEXT, ULEN, USER, PLEN, PASS, REQ_VER, CMD, RSV, ATYP, ALEN, ADDR, PORT }

        private enum S { VER, METHOD, AUTH_VER, AUTH_STATUS, REP_VER, REP, RSV, ATYP, ALEN, ADDR, PORT }

        private C c = C.VER;
        private S s = S.VER;
        /** Bytes still owed by the field being read, per direction. */
        private int cNeed, sNeed;
        private Name user;
        private final byte[] addr = new byte[MAX_NAME];
        private int addrLen;
        private int atyp;
        private int port;

        @Override
        int client(byte[] b, int i, int end) {
            while (i < end && !clientDone && !failed()) {
                int v = b[i] & 0xff;
                switch (c) {
                    case VER:
                        i++;
                        if (v != 5) return fail("client bytes are not a SOCKS5 greeting", end);
                        c = C.NMETHODS;
                        break;
                    case NMETHODS:
                        i++;
                        if (v == 0) return fail("SOCKS5 greeting offers no method", end);
                        cNeed = v;
                        c = C.METHODS;
                        break;
                    case METHODS: {
                        int n = Math.min(cNeed, end - i);
                        i += n;
                        cNeed -= n;
                        if (cNeed == 0) c = C.NEXT;
                        break;
                    }
                    case NEXT:
                        // 0x01: username/password sub-negotiation; 0x05: the request itself.
                        if (v == 1) {
                            i++;
                            c = C.ULEN;
                        } else if (v == 5) {
                            c = C.REQ_VER;
                        } else {
                            return fail("SOCKS5 client sent neither a request nor an authentication", end);
                        }
                        break;
                    case ULEN:
                        i++;
                        cNeed = v;
                        user = new Name();
                        c = v == 0 ? C.PLEN : C.USER;
                        break;
                    case USER:
                        i++;
                        user.add(b[i - 1]);
                        if (--cNeed == 0) c = C.PLEN;
                        break;
                    case PLEN:
                        i++;
                        cNeed = v;
                        c = v == 0 ? C.REQ_VER : C.PASS;
                        break;
                    case PASS: {
                        // The password: skipped, never looked at.
                        int n = Math.min(cNeed, end - i);
                        i += n;
                        cNeed -= n;
                        if (cNeed == 0) c = C.REQ_VER;
                        break;
                    }
                    case REQ_VER:
                        i++;
                        if (v != 5) return fail("client bytes are not a SOCKS5 request", end);
                        c = C.CMD;
                        break;
                    case CMD:
                        i++;
                        if (v != 1) return fail("SOCKS5 command " + v + " is not CONNECT", end);
                        c = C.RSV;
                        break;
                    case RSV:
                        i++;
                        c = C.ATYP;
                        break;
                    case ATYP:
                        i++;
                        atyp = v;
                        if (v == 1 || v == 4) {
                            cNeed = v == 1 ? 4 : 16;
                            c = C.ADDR;
                        } else if (v == 3) {
                            c = C.ALEN;
                        } else {
                            return fail("SOCKS5 request with address type " + v, end);
                        }
                        break;
                    case ALEN:
                        i++;
                        if (v == 0) return fail("SOCKS5 request with an empty host name", end);
                        cNeed = v;
                        c = C.ADDR;
                        break;
                    case ADDR:
                        i++;
                        addr[addrLen++] = b[i - 1];
                        if (--cNeed == 0) {
                            cNeed = 2;
                            c = C.PORT;
                        }
                        break;
                    case PORT:
                        i++;
                        port = (port << 8) | v;
                        if (--cNeed == 0) clientDone = true;
                        break;
                    default:
                        return fail("SOCKS5 client state", end);
                }
            }
            return i;
        }

        @Override
        int server(byte[] b, int i, int end) {
            while (i < end && !serverDone && !failed()) {
                int v = b[i] & 0xff;
                switch (s) {
                    case VER:
                        i++;
                        if (v != 5) return fail("proxy reply is not SOCKS5", end);
                        s = S.METHOD;
                        break;
                    case METHOD:
                        i++;
                        if (v == 0) s = S.REP_VER;
                        else if (v == 2) s = S.AUTH_VER;
                        else if (v == 0xff) return fail("SOCKS5 proxy accepts none of the offered methods", end);
                        else return fail("SOCKS5 proxy chose method " + v + ", not followed", end);
                        break;
                    case AUTH_VER:
                        i++; // 0x01 per RFC 1929; some proxies put 0x05 here
                        s = S.AUTH_STATUS;
                        break;
                    case AUTH_STATUS:
                        i++;
                        if (v != 0) return fail("SOCKS5 authentication failed" + userText(), end);
                        s = S.REP_VER;
                        break;
                    case REP_VER:
                        i++;
                        if (v != 5) return fail("proxy reply is not a SOCKS5 reply", end);
                        s = S.REP;
                        break;
                    case REP:
                        i++;
                        if (v != 0) return fail("socks5 to " + target() + " refused: reply " + v, end);
                        s = S.RSV;
                        break;
                    case RSV:
                        i++;
                        s = S.ATYP;
                        break;
                    case ATYP:
                        i++;
                        if (v == 1 || v == 4) {
                            sNeed = v == 1 ? 4 : 16;
                            s = S.ADDR;
                        } else if (v == 3) {
                            s = S.ALEN;
                        } else {
                            return fail("SOCKS5 reply with address type " + v, end);
                        }
                        break;
                    case ALEN:
                        i++;
                        sNeed = v == 0 ? 2 : v;
                        s = v == 0 ? S.PORT : S.ADDR;
                        break;
                    case ADDR: {
                        int n = Math.min(sNeed, end - i);
                        i += n;
                        sNeed -= n;
                        if (sNeed == 0) {
                            sNeed = 2;
                            s = S.PORT;
                        }
                        break;
                    }
                    case PORT:
                        i++;
                        if (--sNeed == 0) serverDone = true;
                        break;
                    default:
                        return fail("SOCKS5 server state", end);
                }
            }
            return i;
        }

        private String target() {
            if (!clientDone) return "unknown target";
            String host;
            if (atyp == 1) {
                host = IpText.ipv4(((addr[0] & 0xff) << 24) | ((addr[1] & 0xff) << 16) | ((addr[2] & 0xff) << 8) | (addr[3] & 0xff));
            } else if (atyp == 4) {
                long hi = 0, lo = 0;
                for (int k = 0; k < 8; k++) {
                    hi = (hi << 8) | (addr[k] & 0xff);
                    lo = (lo << 8) | (addr[k + 8] & 0xff);
                }
                host = IpText.ipv6(hi, lo);
            } else {
                host = Ascii.text(addr, 0, addrLen);
            }
            return hostPort(host, port);
        }

        private String userText() {
            return user == null ? "" : " for user " + user.text();
        }

        @Override
        String description() {
            return "socks5 to " + target() + (user == null ? "" : " user " + user.text());
        }
    }

    // ------------------------------------------------------------------ SOCKS4 / SOCKS4a

    /** {@code 04 01 port ip userid\0 [host\0]} answered by {@code 00 5a port ip}. */
    static final class Socks4 extends ProxyTunnel {
        private enum C { VER, CMD, PORT, IP, USERID, HOST }

        private C c = C.VER;
        private int sRead;
        private int cNeed;
        private int port;
        private int ip;
        private final Name userid = new Name();
        private Name host;

        @Override
        int client(byte[] b, int i, int end) {
            while (i < end && !clientDone && !failed()) {
                int v = b[i++] & 0xff;
                switch (c) {
                    case VER:
                        if (v != 4) return fail("client bytes are not a SOCKS4 request", end);
                        c = C.CMD;
                        break;
                    case CMD:
                        if (v != 1) return fail("SOCKS4 command " + v + " is not CONNECT", end);
                        cNeed = 2;
                        c = C.PORT;
                        break;
                    case PORT:
                        port = (port << 8) | v;
                        if (--cNeed == 0) {
                            cNeed = 4;
                            c = C.IP;
                        }
                        break;
                    case IP:
                        ip = (ip << 8) | v;
                        if (--cNeed == 0) c = C.USERID;
                        break;
                    case USERID:
                        if (v == 0) {
                            // SOCKS4a: 0.0.0.x (x != 0) means a host name follows.
                            if ((ip & 0xffffff00) == 0 && ip != 0) {
                                host = new Name();
                                c = C.HOST;
                            } else {
                                clientDone = true;
                            }
                        } else if (!userid.add((byte) v)) {
                            return fail("SOCKS4 user id longer than " + MAX_NAME + " bytes", end);
                        }
                        break;
                    case HOST:
                        if (v == 0) {
                            if (host.length() == 0) return fail("SOCKS4a request with an empty host name", end);
                            clientDone = true;
                        } else if (!host.add((byte) v)) {
                            return fail("SOCKS4a host name longer than " + MAX_NAME + " bytes", end);
                        }
                        break;
                    default:
                        return fail("SOCKS4 client state", end);
                }
            }
            return i;
        }

        @Override
        int server(byte[] b, int i, int end) {
            while (i < end && !serverDone && !failed()) {
                int v = b[i++] & 0xff;
                if (sRead == 0 && v != 0 && v != 4) return fail("proxy reply is not SOCKS4", end);
                if (sRead == 1 && v != 0x5a) return fail(name() + " to " + target() + " refused: reply " + v, end);
                if (++sRead == 8) serverDone = true;
            }
            return i;
        }

        private String name() { return host != null ? "socks4a" : "socks4"; }

        private String target() {
            if (!clientDone) return "unknown target";
            return hostPort(host != null ? host.text() : IpText.ipv4(ip), port);
        }

        @Override
        String description() {
            return name() + " to " + target() + (userid.length() == 0 ? "" : " user " + userid.text());
        }
    }
}
