package io.mailtap.bench;

/**
 * Addressing of one generated flow: link layer (MACs, VLAN tags), IP version and addresses,
 * transport and ports, and the per-direction header fields that change per packet (IP ID).
 * Mutable and reused: a generator slot re-fills it for every new session.
 */
final class Endpoints {
    static final int TCP = 6, UDP = 17;
    static final int TPID_8021Q = 0x8100, TPID_8021AD = 0x88A8;

    /** 0 = untagged, {@link #TPID_8021Q} = one tag, {@link #TPID_8021AD} = QinQ (inner tag 0x8100). */
    int outerTpid;
    int outerVid, innerVid;
    long cliMac, srvMac;

    /** 4 or 6. */
    int ipVersion;
    int proto;
    /** IPv4 addresses. */
    int cliV4, srvV4;
    /** IPv6 addresses as two big-endian longs each. */
    long cliHi, cliLo, srvHi, srvLo;
    int cliPort, srvPort;
    int cliTtl, srvTtl;
    int cliIpId, srvIpId;
    int cliWindow, srvWindow;

    void clear() {
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

    void untagged() { outerTpid = 0; outerVid = innerVid = 0; }

    void vlan(int vid) { outerTpid = TPID_8021Q; outerVid = vid; innerVid = 0; }

    void qinq(int outer, int inner) { outerTpid = TPID_8021AD; outerVid = outer; innerVid = inner; }

    /** Client and server MACs derived from the addresses (locally administered, unicast). */
    void macsFromAddresses() {
        long c = ipVersion == 4 ? cliV4 & 0xFFFFFFFFL : cliLo & 0xFFFFFFFFL;
        cliMac = 0x020000000000L | c;
        srvMac = 0x02AA00000001L;   // the router towards the servers, as a mirror port sees it
    }
}
