package io.mailtap.stream.tunnel;

import io.mailtap.util.Ascii;

/**
 * {@code CONNECT host:port HTTP/1.x} and header lines up to a blank line; then
 * {@code HTTP/1.x 2xx ...} and header lines up to a blank line. Tokens between the target and
 * the version are tolerated (old spam tools send "CONNECT host:25 / HTTP/1.0"), so are bare-LF
 * line ends and header lines without a colon.
 */
final class HttpConnect extends ProxyTunnel {
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
    public int client(byte[] b, int i, int end) {
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
    public int server(byte[] b, int i, int end) {
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
    public String description() {
        return "http-connect to " + targetText() + (credentials ? " with proxy credentials" : "");
    }
}
