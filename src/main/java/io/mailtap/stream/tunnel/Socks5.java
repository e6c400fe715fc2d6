package io.mailtap.stream.tunnel;

import io.mailtap.flow.IpText;
import io.mailtap.util.Ascii;

/** RFC 1928 CONNECT, optionally after RFC 1929 username/password authentication. */
final class Socks5 extends ProxyTunnel {
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
    public int client(byte[] b, int i, int end) {
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
    public int server(byte[] b, int i, int end) {
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
    public String description() {
        return "socks5 to " + target() + (user == null ? "" : " user " + user.text());
    }
}
