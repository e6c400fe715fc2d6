package io.mailtap.bench;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Addressing of one generated flow: link layer (MACs, VLAN tags), IP version and addresses,
 * transport and ports, and the per-direction header fields that change per packet (IP ID).
 * Mutable and reused: a generator slot re-fills it for every new session.
 */
public final class Endpoints {
    public static final int TCP = 6, UDP = 17;
    public static final int TPID_8021Q = 0x8100, TPID_8021AD = 0x88A8;

    /** 0 = untagged, {@link #TPID_8021Q} = one tag, {@link #TPID_8021AD} = QinQ (inner tag 0x8100). */
    public int outerTpid;
    public int outerVid, innerVid;
    public long cliMac, srvMac;

    /** 4 or 6. */
    public int ipVersion;
    public int proto;
    /** IPv4 addresses. */
    public int cliV4, srvV4;
    /** IPv6 addresses as two big-endian longs each. */
    public long cliHi, cliLo, srvHi, srvLo;
    public int cliPort, srvPort;
    public int cliTtl, srvTtl;
    public int cliIpId, srvIpId;
    public int cliWindow, srvWindow;

    public void clear() {
        outerTpid = outerVid = innerVid = 0;
        cliMac = srvMac = 0;
        ipVersion = 4;
        proto = TCP;
        cliV4 = srvV4 = 0;
        cliHi = cliLo = srvHi = srvLo = 0;
        cliPort = srvPort = 0;
        cliTtl = srvTtl = 64;
        cliIpId = srvIpId = 0;
        cliWindow = srvWindow = 64240;
    }

    public void untagged() { outerTpid = 0; outerVid = innerVid = 0; }

    public void vlan(int vid) { outerTpid = TPID_8021Q; outerVid = vid; innerVid = 0; }

    public void qinq(int outer, int inner) { outerTpid = TPID_8021AD; outerVid = outer; innerVid = inner; }

    /** Client and server MACs derived from the addresses (locally administered, unicast). */
    public void macsFromAddresses() {
        long c = ipVersion == 4 ? cliV4 & 0xFFFFFFFFL : cliLo & 0xFFFFFFFFL;
        cliMac = 0x020000000000L | c;
        srvMac = 0x02AA00000001L;   // the router towards the servers, as a mirror port sees it
    }

    /**
     * A TCP flow between two address literals of one family (no DNS), untagged, MACs derived from
     * the addresses: the usual start of a test conversation.
     */
    public static Endpoints tcp(String client, int clientPort, String server, int serverPort) {
        Endpoints e = new Endpoints();
        e.clear();
        byte[] c = literal(client), s = literal(server);
        if (c.length != s.length) throw new IllegalArgumentException(client + " and " + server + " are of two address families");
        e.ipVersion = c.length == 4 ? 4 : 6;
        if (e.ipVersion == 4) {
            e.cliV4 = (int) word(c, 0, 4);
            e.srvV4 = (int) word(s, 0, 4);
        } else {
            e.cliHi = word(c, 0, 8); e.cliLo = word(c, 8, 8);
            e.srvHi = word(s, 0, 8); e.srvLo = word(s, 8, 8);
        }
        e.cliPort = clientPort;
        e.srvPort = serverPort;
        e.macsFromAddresses();
        return e;
    }

    /** 4 bytes for an IPv4 literal, 16 for an IPv6 one, v4-mapped ({@code ::ffff:192.0.2.1}) included. */
    private static byte[] literal(String ip) {
        if (!ip.matches("[0-9A-Fa-f:.]+")) throw new IllegalArgumentException("not an address literal: " + ip);
        byte[] a;
        try {
            a = InetAddress.getByName(ip).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(ip, e);
        }
        if (a.length == 4 && ip.contains(":")) {   // Java folds a v4-mapped literal to IPv4; on the wire it is IPv6
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xFF;
            mapped[11] = (byte) 0xFF;
            System.arraycopy(a, 0, mapped, 12, 4);
            return mapped;
        }
        return a;
    }

    private static long word(byte[] b, int off, int n) {
        long v = 0;
        for (int i = 0; i < n; i++) v = (v << 8) | (b[off + i] & 0xFF);
        return v;
    }
}
