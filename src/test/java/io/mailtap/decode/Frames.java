package io.mailtap.decode;

import io.mailtap.bench.FrameBuilder;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;

/**
 * Builds frames header by header for tests, so each test states exactly which header it exercises.
 * The IP builders fill the checksums with the packet kit ({@link FrameBuilder#fillChecksums}), so a
 * test's packet is one a real stack could have sent; whole conversations come from the kit itself
 * ({@code testutil/TcpConversation}, {@code io.mailtap.bench.TcpScript}).
 */
public final class Frames {
    public static final int ETH_IPV4 = 0x0800, ETH_IPV6 = 0x86DD, ETH_ARP = 0x0806;
    public static final int TPID_8021Q = 0x8100, TPID_8021AD = 0x88A8, TPID_QINQ = 0x9100;
    public static final int IPPROTO_TCP = 6, IPPROTO_UDP = 17;
    public static final int HOP_BY_HOP = 0, ROUTING = 43, FRAGMENT = 44, AH = 51, NO_NEXT = 59, DEST_OPTS = 60;

    private Frames() {}

    public static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }

    public static byte[] addr(String literal) {
        try {
            return InetAddress.getByName(literal).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    /** TCP header with {@code optionWords} 32-bit words of NOP options, then the payload. */
    public static byte[] tcp(int srcPort, int dstPort, int seq, int ack, int flags, int window,
                             int optionWords, byte[] payload) {
        int hl = 20 + optionWords * 4;
        byte[] b = new byte[hl + payload.length];
        put16(b, 0, srcPort);
        put16(b, 2, dstPort);
        put32(b, 4, seq);
        put32(b, 8, ack);
        b[12] = (byte) ((hl / 4) << 4);
        b[13] = (byte) flags;
        put16(b, 14, window);
        for (int i = 20; i < hl; i++) b[i] = 1; // NOP
        System.arraycopy(payload, 0, b, hl, payload.length);
        return b;
    }

    public static byte[] tcp(int srcPort, int dstPort, byte[] payload) {
        return tcp(srcPort, dstPort, 1000, 2000, PacketView.ACK | PacketView.PSH, 29200, 0, payload);
    }

    public static byte[] ipv4(String src, String dst, int protocol, byte[] l4) {
        return ipv4(src, dst, protocol, 0, 0x4000 /* DF */, l4);
    }

    /** IPv4 with {@code optionWords} words of NOP options and the given flags+fragment-offset field. */
    public static byte[] ipv4(String src, String dst, int protocol, int optionWords, int flagsAndOffset, byte[] l4) {
        int hl = 20 + optionWords * 4;
        byte[] b = new byte[hl + l4.length];
        b[0] = (byte) (0x40 | (hl / 4));
        put16(b, 2, b.length);
        put16(b, 4, 0x1234);
        put16(b, 6, flagsAndOffset);
        b[8] = 64;
        b[9] = (byte) protocol;
        System.arraycopy(addr(src), 0, b, 12, 4);
        System.arraycopy(addr(dst), 0, b, 16, 4);
        for (int i = 20; i < hl; i++) b[i] = 1; // NOP
        System.arraycopy(l4, 0, b, hl, l4.length);
        FrameBuilder.fillChecksums(b, 0);
        return b;
    }

    /** IPv6 header; {@code rest} is the extension-header chain (if any) followed by the upper layer. */
    public static byte[] ipv6(String src, String dst, int nextHeader, byte[] rest) {
        byte[] b = new byte[40 + rest.length];
        b[0] = 0x60;
        put16(b, 4, rest.length);
        b[6] = (byte) nextHeader;
        b[7] = 57;
        System.arraycopy(addr(src), 0, b, 8, 16);
        System.arraycopy(addr(dst), 0, b, 24, 16);
        System.arraycopy(rest, 0, b, 40, rest.length);
        FrameBuilder.fillChecksums(b, 0);
        return b;
    }

    /** Hop-by-hop / destination options / routing header: {@code units} * 8 + 8 bytes of PadN. */
    public static byte[] optionsHeader(int nextHeader, int units) {
        byte[] b = new byte[(units + 1) * 8];
        b[0] = (byte) nextHeader;
        b[1] = (byte) units;
        b[2] = 1; // PadN
        b[3] = (byte) (b.length - 4);
        return b;
    }

    public static byte[] fragmentHeader(int nextHeader, int offsetUnits, boolean more) {
        byte[] b = new byte[8];
        b[0] = (byte) nextHeader;
        put16(b, 2, (offsetUnits << 3) | (more ? 1 : 0));
        put32(b, 4, 0xCAFE);
        return b;
    }

    /** Authentication header with a 12-byte ICV: length field 4 → (4+2)*4 = 24 bytes. */
    public static byte[] authHeader(int nextHeader) {
        byte[] b = new byte[24];
        b[0] = (byte) nextHeader;
        b[1] = 4;
        return b;
    }

    public static byte[] ethernet(int ethertype, byte[] payload) {
        byte[] b = new byte[14 + payload.length];
        for (int i = 0; i < 6; i++) { b[i] = (byte) (0x02 + i); b[6 + i] = (byte) (0x12 + i); }
        put16(b, 12, ethertype);
        System.arraycopy(payload, 0, b, 14, payload.length);
        return b;
    }

    /**
     * The bytes after an ethertype field that announced {@code tpidVid[0]}: one 4-byte tag per
     * (tpid, vid) pair, outermost first, each naming the next tag's TPID, the last naming
     * {@code innerType}; then the payload.
     */
    public static byte[] tagged(int innerType, byte[] payload, int... tpidVid) {
        int tags = tpidVid.length / 2;
        byte[] b = new byte[tags * 4 + payload.length];
        for (int t = 0; t < tags; t++) {
            int nextType = t + 1 < tags ? tpidVid[2 * t + 2] : innerType;
            put16(b, 4 * t, 0x2000 | tpidVid[2 * t + 1]); // PCP 1, then the VID
            put16(b, 4 * t + 2, nextType);
        }
        System.arraycopy(payload, 0, b, tags * 4, payload.length);
        return b;
    }

    /** Ethernet frame with VLAN tags: {@code ethernetTagged(ETH_IPV4, ip, TPID_8021AD, 200, TPID_8021Q, 300)}. */
    public static byte[] ethernetTagged(int innerType, byte[] payload, int... tpidVid) {
        return ethernet(tpidVid.length == 0 ? innerType : tpidVid[0], tagged(innerType, payload, tpidVid));
    }

    public static byte[] sll(int protocol, byte[] payload) {
        byte[] b = new byte[16 + payload.length];
        put16(b, 0, 0);      // packet type: to us
        put16(b, 2, 1);      // ARPHRD_ETHER
        put16(b, 4, 6);      // address length
        for (int i = 0; i < 6; i++) b[6 + i] = (byte) (0x20 + i);
        put16(b, 14, protocol);
        System.arraycopy(payload, 0, b, 16, payload.length);
        return b;
    }

    public static byte[] sll2(int protocol, byte[] payload) {
        byte[] b = new byte[20 + payload.length];
        put16(b, 0, protocol);
        put32(b, 4, 3);      // interface index
        put16(b, 8, 1);      // ARPHRD_ETHER
        b[10] = 0;           // packet type
        b[11] = 6;           // address length
        for (int i = 0; i < 6; i++) b[12 + i] = (byte) (0x30 + i);
        System.arraycopy(payload, 0, b, 20, payload.length);
        return b;
    }

    /** BSD DLT_NULL header: the address family in the capturing host's byte order. */
    public static byte[] bsdNull(int family, boolean littleEndian, byte[] payload) {
        byte[] b = new byte[4 + payload.length];
        put32(b, 0, littleEndian ? Integer.reverseBytes(family) : family);
        System.arraycopy(payload, 0, b, 4, payload.length);
        return b;
    }

    /** OpenBSD DLT_LOOP header: the address family in network byte order. */
    public static byte[] loop(int family, byte[] payload) {
        return bsdNull(family, false, payload);
    }

    /** Pads to the 60-byte Ethernet minimum the way a NIC does. */
    public static byte[] padTo(byte[] frame, int length) {
        if (frame.length >= length) return frame;
        byte[] b = new byte[length];
        System.arraycopy(frame, 0, b, 0, frame.length);
        return b;
    }

    public static void put16(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }

    public static void put32(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }
}
