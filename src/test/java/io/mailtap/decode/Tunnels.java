package io.mailtap.decode;

import static io.mailtap.decode.Frames.*;

/**
 * Builds the outer headers of tunnelled mirrors for tests, each byte as its RFC lays it out, so a
 * test reads as "this SMTP frame, wrapped in that tunnel".
 */
public final class Tunnels {
    public static final int IPPROTO_IPIP = 4, IPPROTO_IPV6 = 41, IPPROTO_GRE = 47;
    public static final int GRE_TEB = 0x6558, GRE_ERSPAN_I_II = 0x88BE, GRE_ERSPAN_III = 0x22EB;
    public static final int ETH_MPLS = 0x8847, ETH_PPPOE_SESSION = 0x8864;
    public static final String OUTER_SRC = "203.0.113.1", OUTER_DST = "203.0.113.2";

    private Tunnels() {}

    public static byte[] udp(int srcPort, int dstPort, byte[] payload) {
        byte[] b = new byte[8 + payload.length];
        put16(b, 0, srcPort);
        put16(b, 2, dstPort);
        put16(b, 4, b.length);
        System.arraycopy(payload, 0, b, 8, payload.length);
        return b;
    }

    /** An Ethernet frame carrying {@code payload} in IPv4 to {@link #OUTER_DST}, as a mirror tunnel arrives. */
    public static byte[] outer(int protocol, byte[] payload) {
        return ethernet(ETH_IPV4, ipv4(OUTER_SRC, OUTER_DST, protocol, payload));
    }

    /** GRE header: key and sequence number present when not null; checksum word when asked. */
    public static byte[] gre(int protocol, boolean checksum, Integer key, Integer seq, byte[] payload) {
        int h = 4 + (checksum ? 4 : 0) + (key != null ? 4 : 0) + (seq != null ? 4 : 0);
        byte[] b = new byte[h + payload.length];
        int flags = (checksum ? 0x8000 : 0) | (key != null ? 0x2000 : 0) | (seq != null ? 0x1000 : 0);
        put16(b, 0, flags);
        put16(b, 2, protocol);
        int at = 4 + (checksum ? 4 : 0);
        if (key != null) { put32(b, at, key); at += 4; }
        if (seq != null) put32(b, at, seq);
        System.arraycopy(payload, 0, b, h, payload.length);
        return b;
    }

    public static byte[] vxlan(int vni, byte[] innerEthernet) {
        byte[] h = new byte[8];
        h[0] = 0x08;
        put32(h, 4, vni << 8);
        return concat(h, innerEthernet);
    }

    /** GENEVE with {@code optionWords} words of (opaque) options. */
    public static byte[] geneve(int vni, int protocol, int optionWords, byte[] payload) {
        byte[] h = new byte[8 + optionWords * 4];
        h[0] = (byte) optionWords;
        put16(h, 2, protocol);
        put32(h, 4, vni << 8);
        for (int i = 8; i < h.length; i++) h[i] = (byte) 0xA5;
        return concat(h, payload);
    }

    public static byte[] erspanII(int session, byte[] innerEthernet) {
        byte[] h = new byte[8];
        put16(h, 0, 0x1000 | 100);           // version 1, original VLAN 100
        put16(h, 2, 0x1800 | session);       // CoS 0, En 3 (tag kept in the frame), session
        put32(h, 4, 7);                      // index
        return concat(h, innerEthernet);
    }

    /** ERSPAN type III; {@code frameType} 0 (Ethernet) or 2 (IP); {@code platform} adds the O sub-header. */
    public static byte[] erspanIII(int session, int frameType, boolean platform, byte[] payload) {
        byte[] h = new byte[12 + (platform ? 8 : 0)];
        put16(h, 0, 0x2000 | 100);           // version 2
        put16(h, 2, session);
        put32(h, 4, 0x12345678);             // timestamp
        h[10] = (byte) (frameType << 2);
        h[11] = (byte) (platform ? 0x01 : 0x00);
        return concat(h, payload);
    }

    /** An MPLS label stack, outermost first, the last marked bottom of stack. */
    public static byte[] mpls(byte[] payload, int... labels) {
        byte[] b = new byte[labels.length * 4 + payload.length];
        for (int i = 0; i < labels.length; i++) {
            put32(b, 4 * i, labels[i] << 12 | (i == labels.length - 1 ? 0x100 : 0) | 64);
        }
        System.arraycopy(payload, 0, b, labels.length * 4, payload.length);
        return b;
    }

    public static byte[] pppoe(int session, int pppProtocol, byte[] payload) {
        byte[] b = new byte[8 + payload.length];
        b[0] = 0x11;
        put16(b, 2, session);
        put16(b, 4, payload.length + 2);
        put16(b, 6, pppProtocol);
        System.arraycopy(payload, 0, b, 8, payload.length);
        return b;
    }
}
