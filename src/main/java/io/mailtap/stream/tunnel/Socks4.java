package io.mailtap.stream.tunnel;

import io.mailtap.flow.IpText;

/** {@code 04 01 port ip userid\0 [host\0]} answered by {@code 00 5a port ip}. */
final class Socks4 extends ProxyTunnel {
    private enum C { VER, CMD, PORT, IP, USERID, HOST }

    private C c = C.VER;
    private int sRead;
    private int cNeed;
    private int port;
    private int ip;
    private final Name userid = new Name();
    private Name host;

    @Override
    public int client(byte[] b, int i, int end) {
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
    public int server(byte[] b, int i, int end) {
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
    public String description() {
        return name() + " to " + target() + (userid.length() == 0 ? "" : " user " + userid.text());
    }
}
