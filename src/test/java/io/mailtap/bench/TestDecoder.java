package io.mailtap.bench;

import java.util.Arrays;

/**
 * An independent, deliberately plain decoder for the tests (byte-at-a-time checksums, no shared
 * code with the generator), so a generator bug cannot hide behind the same bug here.
 */
final class TestDecoder {
    static final int FIN = 1, SYN = 2, RST = 4, PSH = 8, ACK = 16;

    /** One decoded frame; {@code proto} is 6 or 17, other fields are 0 when absent. */
    record Frame(int outerTpid, int outerVid, int innerVid, int ipVersion, byte[] src, byte[] dst, int proto,
                 int srcPort, int dstPort, long seq, long ack, int flags, byte[] payload,
                 boolean ipChecksumOk, boolean l4ChecksumOk, int ipLength, int frameLength) {

        /** Direction-independent key of the conversation. */
        String flowKey() {
            String a = Arrays.toString(src) + ":" + srcPort, b = Arrays.toString(dst) + ":" + dstPort;
            String vlan = outerTpid + "/" + outerVid + "/" + innerVid + "/" + proto + "|";
            return vlan + (a.compareTo(b) < 0 ? a + "-" + b : b + "-" + a);
        }

        /** Same key but directional. */
        String directionKey() {
            return outerVid + "/" + innerVid + "|" + Arrays.toString(src) + ":" + srcPort + ">" + Arrays.toString(dst) + ":" + dstPort;
        }

        boolean has(int flag) { return (flags & flag) != 0; }
    }

    private TestDecoder() {}

    static Frame decode(byte[] f) {
        int p = 12;
        int type = u16(f, p);
        int outerTpid = 0, outerVid = 0, innerVid = 0;
        if (type == 0x88A8 || type == 0x8100) {
            outerTpid = type;
            outerVid = u16(f, p + 2) & 0xFFF;
            p += 4;
            type = u16(f, p);
            if (type == 0x8100) {
                innerVid = u16(f, p + 2) & 0xFFF;
                p += 4;
                type = u16(f, p);
            }
        }
        p += 2;
        int ipVersion, proto, l4, l4Len, ipLength;
        byte[] src, dst;
        boolean ipOk;
        long pseudo;
        if (type == 0x0800) {
            ipVersion = 4;
            int ihl = (f[p] & 0xF) * 4;
            ipLength = u16(f, p + 2);
            proto = f[p + 9] & 0xFF;
            src = Arrays.copyOfRange(f, p + 12, p + 16);
            dst = Arrays.copyOfRange(f, p + 16, p + 20);
            ipOk = onesSum(f, p, ihl, 0) == 0xFFFF;
            l4 = p + ihl;
            l4Len = ipLength - ihl;
            pseudo = words(src) + words(dst) + proto + l4Len;
        } else if (type == 0x86DD) {
            ipVersion = 6;
            l4Len = u16(f, p + 4);
            ipLength = 40 + l4Len;
            proto = f[p + 6] & 0xFF;
            src = Arrays.copyOfRange(f, p + 8, p + 24);
            dst = Arrays.copyOfRange(f, p + 24, p + 40);
            ipOk = true;
            l4 = p + 40;
            pseudo = words(src) + words(dst) + proto + l4Len;
        } else {
            throw new IllegalArgumentException("ethertype " + Integer.toHexString(type));
        }
        boolean l4Ok = onesSum(f, l4, l4Len, pseudo) == 0xFFFF;
        int srcPort = u16(f, l4), dstPort = u16(f, l4 + 2);
        if (proto == 6) {
            long seq = u32(f, l4 + 4), ack = u32(f, l4 + 8);
            int hl = ((f[l4 + 12] & 0xFF) >>> 4) * 4;
            int flags = f[l4 + 13] & 0xFF;
            byte[] payload = Arrays.copyOfRange(f, l4 + hl, l4 + l4Len);
            return new Frame(outerTpid, outerVid, innerVid, ipVersion, src, dst, proto, srcPort, dstPort, seq, ack,
                    flags, payload, ipOk, l4Ok, ipLength, f.length);
        }
        byte[] payload = Arrays.copyOfRange(f, l4 + 8, l4 + l4Len);
        return new Frame(outerTpid, outerVid, innerVid, ipVersion, src, dst, proto, srcPort, dstPort, 0, 0, 0,
                payload, ipOk, l4Ok, ipLength, f.length);
    }

    private static long words(byte[] a) {
        long s = 0;
        for (int i = 0; i < a.length; i += 2) s += u16(a, i);
        return s;
    }

    /** Folded one's-complement sum; 0xFFFF means the checksum field inside the range is right. */
    private static int onesSum(byte[] b, int off, int len, long initial) {
        long s = initial;
        for (int i = 0; i < len; i += 2) {
            int hi = b[off + i] & 0xFF;
            int lo = i + 1 < len ? b[off + i + 1] & 0xFF : 0;
            s += (hi << 8) | lo;
        }
        while ((s >>> 16) != 0) s = (s & 0xFFFF) + (s >>> 16);
        return (int) s;
    }

    static int u16(byte[] b, int p) {
        return ((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF);
    }

    static long u32(byte[] b, int p) {
        return ((long) u16(b, p) << 16) | u16(b, p + 2);
    }
}
