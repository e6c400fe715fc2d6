package io.mailtap.bench;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Builds one Ethernet frame at a time into a reused buffer: Ethernet, optional 802.1Q or
 * 802.1ad+802.1Q tags, IPv4 or IPv6, TCP or UDP, payload. Every checksum (IPv4 header, TCP, UDP)
 * is filled in, and frames shorter than the Ethernet minimum are zero-padded to 60 bytes as a
 * mirror port delivers them (so a decoder must trust the IP length, not the frame length).
 *
 * <p>The one packet kit of the code base: the generator writes its captures with it, the tests
 * ({@code testutil/TcpConversation}, {@code smtp/Wire}, {@code decode/Frames}) and the JMH benchmarks
 * build their frames with it, through {@link TcpScript} for whole conversations.
 */
public final class FrameBuilder {
    public static final int FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10;
    public static final int ETH_MIN = 60;
    public static final int TCP = Endpoints.TCP, UDP = Endpoints.UDP;

    private static final VarHandle INT_BE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    public final byte[] frame = new byte[65536 + 64];

    /** Where the IP packet of the last frame starts in {@link #frame}, and its length (IP total length, no padding). */
    public int ipOffset, ipLength;

    /**
     * A TCP segment; {@code mss > 0} adds the SYN options (MSS, SACK permitted).
     * Returns the frame length.
     */
    public int tcp(Endpoints e, boolean fromClient, int seq, int ack, int flags, int mss,
            byte[] data, int off, int len) {
        int optLen = mss > 0 ? 8 : 0;
        int l4Len = 20 + optLen + len;
        int p = l2l3(e, fromClient, Endpoints.TCP, l4Len);
        byte[] f = frame;
        int l4 = p;
        putShort(f, p, fromClient ? e.cliPort : e.srvPort);
        putShort(f, p + 2, fromClient ? e.srvPort : e.cliPort);
        INT_BE.set(f, p + 4, seq);
        INT_BE.set(f, p + 8, (flags & ACK) != 0 ? ack : 0);
        f[p + 12] = (byte) (((20 + optLen) / 4) << 4);
        f[p + 13] = (byte) flags;
        putShort(f, p + 14, fromClient ? e.cliWindow : e.srvWindow);
        f[p + 16] = 0; f[p + 17] = 0;   // checksum, below
        f[p + 18] = 0; f[p + 19] = 0;   // urgent pointer
        p += 20;
        if (optLen > 0) {
            f[p] = 2; f[p + 1] = 4; putShort(f, p + 2, mss);   // MSS
            f[p + 4] = 1; f[p + 5] = 1;                        // NOP NOP
            f[p + 6] = 4; f[p + 7] = 2;                        // SACK permitted
            p += 8;
        }
        if (len > 0) System.arraycopy(data, off, f, p, len);
        p += len;
        int sum = fold(sum(f, l4, l4Len) + pseudoHeaderSum);
        putShort(f, l4 + 16, ~sum & 0xFFFF);
        return pad(p);
    }

    /** A UDP datagram; returns the frame length. */
    public int udp(Endpoints e, boolean fromClient, byte[] data, int off, int len) {
        int l4Len = 8 + len;
        int p = l2l3(e, fromClient, Endpoints.UDP, l4Len);
        byte[] f = frame;
        int l4 = p;
        putShort(f, p, fromClient ? e.cliPort : e.srvPort);
        putShort(f, p + 2, fromClient ? e.srvPort : e.cliPort);
        putShort(f, p + 4, l4Len);
        f[p + 6] = 0; f[p + 7] = 0;
        p += 8;
        System.arraycopy(data, off, f, p, len);
        p += len;
        int c = ~fold(sum(f, l4, l4Len) + pseudoHeaderSum) & 0xFFFF;
        putShort(f, l4 + 6, c == 0 ? 0xFFFF : c);
        return pad(p);
    }

    /** Pseudo-header sum of the packet being built, set by {@link #l2l3}. */
    private long pseudoHeaderSum;

    /** Writes Ethernet, tags and the IP header; returns the offset of the transport header. */
    private int l2l3(Endpoints e, boolean fromClient, int proto, int l4Len) {
        byte[] f = frame;
        putMac(f, 0, fromClient ? e.srvMac : e.cliMac);
        putMac(f, 6, fromClient ? e.cliMac : e.srvMac);
        int p = 12;
        if (e.outerTpid == Endpoints.TPID_8021AD) {
            putShort(f, p, Endpoints.TPID_8021AD);
            putShort(f, p + 2, e.outerVid);
            putShort(f, p + 4, Endpoints.TPID_8021Q);
            putShort(f, p + 6, e.innerVid);
            p += 8;
        } else if (e.outerTpid == Endpoints.TPID_8021Q) {
            putShort(f, p, Endpoints.TPID_8021Q);
            putShort(f, p + 2, e.outerVid);
            p += 4;
        }
        if (e.ipVersion == 4) {
            putShort(f, p, 0x0800);
            p += 2;
            ipOffset = p;
            ipLength = 20 + l4Len;
            int src = fromClient ? e.cliV4 : e.srvV4;
            int dst = fromClient ? e.srvV4 : e.cliV4;
            int id = fromClient ? e.cliIpId++ : e.srvIpId++;
            f[p] = 0x45;
            f[p + 1] = 0;
            putShort(f, p + 2, 20 + l4Len);
            putShort(f, p + 4, id);
            putShort(f, p + 6, 0x4000);   // DF
            f[p + 8] = (byte) (fromClient ? e.cliTtl : e.srvTtl);
            f[p + 9] = (byte) proto;
            f[p + 10] = 0; f[p + 11] = 0;
            INT_BE.set(f, p + 12, src);
            INT_BE.set(f, p + 16, dst);
            putShort(f, p + 10, ~fold(sum(f, p, 20)) & 0xFFFF);
            pseudoHeaderSum = (src & 0xFFFFFFFFL) + (dst & 0xFFFFFFFFL) + proto + l4Len;
            return p + 20;
        }
        putShort(f, p, 0x86DD);
        p += 2;
        ipOffset = p;
        ipLength = 40 + l4Len;
        long srcHi = fromClient ? e.cliHi : e.srvHi, srcLo = fromClient ? e.cliLo : e.srvLo;
        long dstHi = fromClient ? e.srvHi : e.cliHi, dstLo = fromClient ? e.srvLo : e.cliLo;
        INT_BE.set(f, p, 0x60000000);
        putShort(f, p + 4, l4Len);
        f[p + 6] = (byte) proto;
        f[p + 7] = (byte) (fromClient ? e.cliTtl : e.srvTtl);
        putLong(f, p + 8, srcHi);
        putLong(f, p + 16, srcLo);
        putLong(f, p + 24, dstHi);
        putLong(f, p + 32, dstLo);
        pseudoHeaderSum = halves(srcHi) + halves(srcLo) + halves(dstHi) + halves(dstLo) + l4Len + proto;
        return p + 40;
    }

    /**
     * Fills the checksums of an IP packet built by hand in {@code b} from {@code off}: the IPv4
     * header checksum, and the TCP or UDP checksum when the packet is not a fragment and carries the
     * transport header right after the IP header (IPv4 with any options; IPv6 without extension
     * headers). Lengths are taken from the IP header; a packet too short for its header is left alone.
     */
    public static void fillChecksums(byte[] b, int off) {
        int version = (b[off] & 0xFF) >>> 4;
        int proto, l4, l4Len;
        long pseudo;
        if (version == 4) {
            int hl = (b[off] & 0x0F) * 4;
            int total = ((b[off + 2] & 0xFF) << 8) | (b[off + 3] & 0xFF);
            if (hl < 20 || b.length - off < hl) return;
            b[off + 10] = 0;
            b[off + 11] = 0;
            putShort(b, off + 10, ~fold(sum(b, off, hl)) & 0xFFFF);
            boolean fragment = (((b[off + 6] & 0x3F) << 8) | (b[off + 7] & 0xFF)) != 0;
            if (fragment) return;
            proto = b[off + 9] & 0xFF;
            l4 = off + hl;
            l4Len = Math.min(total, b.length - off) - hl;
            pseudo = sum(b, off + 12, 8) + proto + l4Len;
        } else if (version == 6) {
            if (b.length - off < 40) return;
            proto = b[off + 6] & 0xFF;
            l4 = off + 40;
            l4Len = Math.min(((b[off + 4] & 0xFF) << 8) | (b[off + 5] & 0xFF), b.length - l4);
            pseudo = sum(b, off + 8, 32) + proto + l4Len;
        } else {
            return;
        }
        int field = proto == TCP && l4Len >= 20 ? l4 + 16 : proto == UDP && l4Len >= 8 ? l4 + 6 : -1;
        if (field < 0) return;
        b[field] = 0;
        b[field + 1] = 0;
        int c = ~fold(sum(b, l4, l4Len) + pseudo) & 0xFFFF;
        putShort(b, field, proto == UDP && c == 0 ? 0xFFFF : c);
    }

    private int pad(int len) {
        if (len >= ETH_MIN) return len;
        for (int i = len; i < ETH_MIN; i++) frame[i] = 0;
        return ETH_MIN;
    }

    /** One's-complement sum (not yet folded) of the big-endian 16-bit words of {@code b[off, off+len)}. */
    public static long sum(byte[] b, int off, int len) {
        long s = 0;
        int i = off, end = off + len;
        // 2^16 == 1 (mod 0xFFFF), so adding whole 32-bit words gives the same folded result.
        for (; i + 4 <= end; i += 4) s += (int) INT_BE.get(b, i) & 0xFFFFFFFFL;
        if (i + 2 <= end) {
            s += ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
            i += 2;
        }
        if (i < end) s += (b[i] & 0xFF) << 8;
        return s;
    }

    public static int fold(long s) {
        while ((s >>> 16) != 0) s = (s & 0xFFFF) + (s >>> 16);
        return (int) s;
    }

    private static long halves(long v) {
        return (v >>> 32) + (v & 0xFFFFFFFFL);
    }

    public static void putShort(byte[] b, int p, int v) {
        b[p] = (byte) (v >>> 8);
        b[p + 1] = (byte) v;
    }

    private static void putLong(byte[] b, int p, long v) {
        INT_BE.set(b, p, (int) (v >>> 32));
        INT_BE.set(b, p + 4, (int) v);
    }

    private static void putMac(byte[] b, int p, long mac) {
        b[p] = (byte) (mac >>> 40);
        b[p + 1] = (byte) (mac >>> 32);
        b[p + 2] = (byte) (mac >>> 24);
        b[p + 3] = (byte) (mac >>> 16);
        b[p + 4] = (byte) (mac >>> 8);
        b[p + 5] = (byte) mac;
    }
}
