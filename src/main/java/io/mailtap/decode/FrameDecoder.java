package io.mailtap.decode;

import io.mailtap.capture.RawFrame;
import java.util.Objects;

/**
 * Decodes one captured frame (link layer, IPv4/IPv6, TCP) into a reusable {@link PacketView}.
 *
 * <p>The decoder never trusts the frame: every length is checked against both what the headers
 * claim and what was captured, so no input can make it throw. Each call either fills the view and
 * returns {@code true}, or counts exactly one {@link SkipReason} and returns {@code false}; it
 * allocates nothing and keeps no state between frames (one instance per thread, because
 * {@link DecodeStats} is single-writer).
 *
 * <p>How a frame that ends early is classified: cut inside the link header (including VLAN tags)
 * → {@link SkipReason#TRUNCATED_LINK}; inside the IP header or IPv6 extension headers →
 * {@link SkipReason#TRUNCATED_IP}; inside the TCP header → {@link SkipReason#TRUNCATED_TCP};
 * inside the payload → decoded, with {@code payloadLength < segmentLength}. A header that does not
 * fit in the length its enclosing header claims is MALFORMED rather than TRUNCATED.
 */
public final class FrameDecoder {
    /** More tags than this (802.1Q/802.1ad stacked) are counted, not decoded. */
    public static final int MAX_VLAN_TAGS = 2;
    /** IPv6 extension headers walked before the chain is called malformed (RFC 8200 lists 6 kinds). */
    public static final int MAX_IPV6_EXTENSION_HEADERS = 8;

    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int ETHERTYPE_IPV6 = 0x86DD;
    private static final int ETHERTYPE_8021Q = 0x8100;
    private static final int ETHERTYPE_8021AD = 0x88A8;
    private static final int ETHERTYPE_QINQ_LEGACY = 0x9100;

    private static final int ETHERNET_HEADER = 14;
    private static final int SLL_HEADER = 16;
    private static final int SLL2_HEADER = 20;
    private static final int LOOPBACK_HEADER = 4;
    private static final int VLAN_TAG = 4;

    private static final int AF_INET = 2;
    // AF_INET6 differs per BSD; a capture written on any of them can be read anywhere.
    private static final int AF_INET6_NETBSD_OPENBSD = 24;
    private static final int AF_INET6_FREEBSD = 28;
    private static final int AF_INET6_DARWIN = 30;

    private static final int IPV4_MIN_HEADER = 20;
    private static final int IPV6_HEADER = 40;
    private static final int TCP_MIN_HEADER = 20;

    private static final int PROTO_HOP_BY_HOP = 0;
    private static final int PROTO_TCP = 6;
    private static final int PROTO_ROUTING = 43;
    private static final int PROTO_FRAGMENT = 44;
    private static final int PROTO_AH = 51;
    private static final int PROTO_NO_NEXT_HEADER = 59;
    private static final int PROTO_DESTINATION_OPTIONS = 60;
    // RFC 6564 uniform-format extension headers: mobility, HIP, shim6, experimental.
    private static final int PROTO_MOBILITY = 135;
    private static final int PROTO_HIP = 139;
    private static final int PROTO_SHIM6 = 140;
    private static final int PROTO_EXPERIMENT1 = 253;
    private static final int PROTO_EXPERIMENT2 = 254;

    /** ::ffff:0:0/96 — the low long of a v4-mapped address before the IPv4 bits are or-ed in. */
    private static final long V4_MAPPED_LO = 0x0000_FFFF_0000_0000L;

    private final DecodeStats stats;

    public FrameDecoder(DecodeStats stats) {
        this.stats = Objects.requireNonNull(stats, "stats");
    }

    public DecodeStats stats() {
        return stats;
    }

    /**
     * Decodes one frame into {@code out} (which is reset first, and must not be null).
     *
     * @param linkType       the capture's DLT/LINKTYPE value (see {@link LinkType})
     * @param frame          frame bytes from offset 0; may be longer than the frame (reused buffer)
     * @param capturedLength bytes of the frame present in {@code frame}; clamped to the array
     * @param wireLength     length of the frame on the wire; taken as at least the captured length
     * @param tsMicros       packet time, copied into the view
     * @return true if {@code out} now describes a TCP packet; false if the frame was counted as
     *         skipped (the view's fields other than the frame ones are then meaningless)
     */
    public boolean decode(int linkType, byte[] frame, int capturedLength, int wireLength, long tsMicros,
                          PacketView out) {
        out.reset();
        int cap = frame == null ? 0 : Math.max(0, Math.min(capturedLength, frame.length));
        // A wire length below the captured length is a broken writer; the captured bytes are real.
        int wire = Math.max(wireLength, cap);
        out.frame = frame;
        out.capturedLength = cap;
        out.wireLength = wire;
        if (tsMicros >= RawFrame.MAX_TS_MICROS || tsMicros < 0) {
            // Clamped by the capture, or out of range from another source: the same marker.
            tsMicros = RawFrame.MAX_TS_MICROS;
            stats.inc(DecodeCounter.TIMESTAMPS_CLAMPED);
        }
        out.tsMicros = tsMicros;

        stats.inc(DecodeCounter.FRAMES);
        stats.add(DecodeCounter.BYTES, wire);
        if (cap < wire) stats.inc(DecodeCounter.TRUNCATED_FRAMES);

        SkipReason reason = link(linkType, frame, cap, wire, out);
        if (reason == null) {
            stats.inc(DecodeCounter.DECODED_TCP);
            return true;
        }
        stats.skip(reason);
        return false;
    }

    // Every stage below returns null when the packet decoded as TCP, else the single reason to count.

    private static SkipReason link(int linkType, byte[] b, int cap, int wire, PacketView out) {
        switch (linkType) {
            case LinkType.ETHERNET:
                if (cap < ETHERNET_HEADER) return SkipReason.TRUNCATED_LINK;
                return ethertype(b, cap, wire, ETHERNET_HEADER, u16(b, 12), out);
            case LinkType.LINUX_SLL:
                if (cap < SLL_HEADER) return SkipReason.TRUNCATED_LINK;
                return ethertype(b, cap, wire, SLL_HEADER, u16(b, 14), out);
            case LinkType.LINUX_SLL2:
                if (cap < SLL2_HEADER) return SkipReason.TRUNCATED_LINK;
                return ethertype(b, cap, wire, SLL2_HEADER, u16(b, 0), out);
            case LinkType.RAW:
            case LinkType.DLT_RAW_BSD:
            case LinkType.DLT_RAW_OPENBSD:
                return ip(b, cap, wire, 0, 0, out);
            case LinkType.IPV4:
                return ip(b, cap, wire, 0, 4, out);
            case LinkType.IPV6:
                return ip(b, cap, wire, 0, 6, out);
            case LinkType.NULL:
                if (cap < LOOPBACK_HEADER) return SkipReason.TRUNCATED_LINK;
                return addressFamily(b, cap, wire, hostOrderFamily(b), out);
            case LinkType.LOOP:
                if (cap < LOOPBACK_HEADER) return SkipReason.TRUNCATED_LINK;
                return addressFamily(b, cap, wire, u32(b, 0), out);
            default:
                return SkipReason.UNSUPPORTED_LINK_TYPE;
        }
    }

    /**
     * DLT_NULL stores the family in the byte order of the machine that captured, which we do not
     * know; families are small numbers, so whichever order leaves the high half zero is the one.
     */
    private static int hostOrderFamily(byte[] b) {
        int littleEndian = (b[0] & 0xFF) | (b[1] & 0xFF) << 8 | (b[2] & 0xFF) << 16 | (b[3] & 0xFF) << 24;
        return (littleEndian & 0xFFFF_0000) != 0 ? Integer.reverseBytes(littleEndian) : littleEndian;
    }

    private static SkipReason addressFamily(byte[] b, int cap, int wire, int family, PacketView out) {
        switch (family) {
            case AF_INET:
                return ip(b, cap, wire, LOOPBACK_HEADER, 4, out);
            case AF_INET6_NETBSD_OPENBSD:
            case AF_INET6_FREEBSD:
            case AF_INET6_DARWIN:
                return ip(b, cap, wire, LOOPBACK_HEADER, 6, out);
            default:
                return SkipReason.NOT_IP;
        }
    }

    /** Follows up to {@link #MAX_VLAN_TAGS} tags after an ethertype-style protocol field. */
    private static SkipReason ethertype(byte[] b, int cap, int wire, int off, int type, PacketView out) {
        int tags = 0;
        while (type == ETHERTYPE_8021Q || type == ETHERTYPE_8021AD || type == ETHERTYPE_QINQ_LEGACY) {
            if (tags == MAX_VLAN_TAGS) return SkipReason.TOO_MANY_VLAN_TAGS;
            if (cap - off < VLAN_TAG) return SkipReason.TRUNCATED_LINK;
            int vid = u16(b, off) & 0x0FFF;
            if (tags == 0) out.vlanOuter = vid; else out.vlanInner = vid;
            type = u16(b, off + 2);
            off += VLAN_TAG;
            tags++;
        }
        if (type == ETHERTYPE_IPV4) return ip(b, cap, wire, off, 4, out);
        if (type == ETHERTYPE_IPV6) return ip(b, cap, wire, off, 6, out);
        return SkipReason.NOT_IP;
    }

    /** @param expectedVersion 4 or 6 as the link layer announced it, 0 to let the version nibble decide */
    private static SkipReason ip(byte[] b, int cap, int wire, int off, int expectedVersion, PacketView out) {
        if (cap - off < 1) return SkipReason.TRUNCATED_IP;
        int version = (b[off] & 0xFF) >>> 4;
        if (expectedVersion != 0 && version != expectedVersion) return SkipReason.MALFORMED_IP;
        if (version == 4) return ipv4(b, cap, wire, off, out);
        if (version == 6) return ipv6(b, cap, wire, off, out);
        return SkipReason.MALFORMED_IP;
    }

    private static SkipReason ipv4(byte[] b, int cap, int wire, int off, PacketView out) {
        if (cap - off < IPV4_MIN_HEADER) return SkipReason.TRUNCATED_IP;
        int headerLength = (b[off] & 0x0F) * 4;
        if (headerLength < IPV4_MIN_HEADER) return SkipReason.MALFORMED_IP;
        if (cap - off < headerLength) return SkipReason.TRUNCATED_IP;
        int totalLength = u16(b, off + 2);
        int end;
        if (totalLength == 0) {
            // Captured TSO/large-send super-packets can carry total length 0 (Wireshark treats it
            // the same way): the frame's own length is the only length there is.
            end = wire;
            if (end - off < headerLength) return SkipReason.MALFORMED_IP;
        } else {
            if (totalLength < headerLength) return SkipReason.MALFORMED_IP;
            end = off + totalLength; // anything after it is Ethernet padding or a trailer
        }
        // Fragments are counted even when not TCP: reassembly is a job we do not do at all.
        if ((u16(b, off + 6) & 0x3FFF) != 0) return SkipReason.IP_FRAGMENT; // MF flag or offset
        if ((b[off + 9] & 0xFF) != PROTO_TCP) return SkipReason.NOT_TCP;

        out.ipVersion = 4;
        out.ttl = b[off + 8] & 0xFF;
        out.srcHi = 0;
        out.srcLo = V4_MAPPED_LO | (u32(b, off + 12) & 0xFFFF_FFFFL);
        out.dstHi = 0;
        out.dstLo = V4_MAPPED_LO | (u32(b, off + 16) & 0xFFFF_FFFFL);
        return tcp(b, cap, wire, off + headerLength, end, out);
    }

    private static SkipReason ipv6(byte[] b, int cap, int wire, int off, PacketView out) {
        if (cap - off < IPV6_HEADER) return SkipReason.TRUNCATED_IP;
        int payloadLength = u16(b, off + 4);
        int next = b[off + 6] & 0xFF;
        if (payloadLength == 0) {
            // Jumbogram (or a BIG TCP super-packet): the real length lives in a hop-by-hop option
            // we do not trust; an empty packet with "no next header" is merely not TCP.
            return next == PROTO_NO_NEXT_HEADER ? SkipReason.NOT_TCP : SkipReason.MALFORMED_IP;
        }
        out.ipVersion = 6;
        out.ttl = b[off + 7] & 0xFF;
        out.srcHi = u64(b, off + 8);
        out.srcLo = u64(b, off + 16);
        out.dstHi = u64(b, off + 24);
        out.dstLo = u64(b, off + 32);

        int end = off + IPV6_HEADER + payloadLength;
        int p = off + IPV6_HEADER;
        for (int seen = 0; ; seen++) {
            if (next == PROTO_TCP) return tcp(b, cap, wire, p, end, out);
            // UDP, ICMPv6, ESP (opaque), "no next header": nothing for us inside.
            if (!isExtensionHeader(next)) return SkipReason.NOT_TCP;
            // Hop-by-hop is only valid first; receivers drop it elsewhere, so must we (or be evaded).
            if (next == PROTO_HOP_BY_HOP && seen != 0) return SkipReason.MALFORMED_IPV6_EXTENSION;
            if (seen == MAX_IPV6_EXTENSION_HEADERS) return SkipReason.MALFORMED_IPV6_EXTENSION;
            if (end - p < 2) return SkipReason.MALFORMED_IPV6_EXTENSION;
            if (cap - p < 2) return SkipReason.TRUNCATED_IP;
            int lengthField = b[p + 1] & 0xFF;
            int length;
            if (next == PROTO_FRAGMENT) length = 8;
            else if (next == PROTO_AH) length = (lengthField + 2) * 4;
            else length = (lengthField + 1) * 8;
            if (end - p < length) return SkipReason.MALFORMED_IPV6_EXTENSION;
            if (cap - p < length) return SkipReason.TRUNCATED_IP;
            // Only an atomic fragment (offset 0, M=0; RFC 6946) is a whole packet.
            if (next == PROTO_FRAGMENT && (u16(b, p + 2) & 0xFFF9) != 0) return SkipReason.IP_FRAGMENT;
            next = b[p] & 0xFF;
            p += length;
        }
    }

    private static boolean isExtensionHeader(int protocol) {
        switch (protocol) {
            case PROTO_HOP_BY_HOP, PROTO_ROUTING, PROTO_FRAGMENT, PROTO_AH, PROTO_DESTINATION_OPTIONS,
                 PROTO_MOBILITY, PROTO_HIP, PROTO_SHIM6, PROTO_EXPERIMENT1, PROTO_EXPERIMENT2:
                return true;
            default:
                return false;
        }
    }

    /** @param end where the IP header says the IP payload ends (may lie beyond what was captured) */
    private static SkipReason tcp(byte[] b, int cap, int wire, int t, int end, PacketView out) {
        if (end - t < TCP_MIN_HEADER) return SkipReason.MALFORMED_TCP;
        if (cap - t < TCP_MIN_HEADER) return SkipReason.TRUNCATED_TCP;
        int headerLength = ((b[t + 12] & 0xFF) >>> 4) * 4;
        if (headerLength < TCP_MIN_HEADER || end - t < headerLength) return SkipReason.MALFORMED_TCP;

        out.srcPort = u16(b, t);
        out.dstPort = u16(b, t + 2);
        out.seq = u32(b, t + 4);
        out.ack = u32(b, t + 8);
        out.tcpFlags = b[t + 13] & 0xFF;
        out.window = u16(b, t + 14);

        // A snaplen that cuts into the options still leaves ports, sequence numbers and flags
        // (Zeek tracks such connections too): the connection is followed, its payload is a gap.
        int payload = t + headerLength;
        out.payloadOffset = Math.min(payload, cap);
        out.payloadLength = Math.max(0, Math.min(end, cap) - payload);
        // An IP length beyond the wire length is a lie, not missed data: never claim a gap for it.
        out.segmentLength = Math.max(out.payloadLength, Math.min(end, wire) - payload);
        return null;
    }

    private static int u16(byte[] b, int off) {
        return (b[off] & 0xFF) << 8 | (b[off + 1] & 0xFF);
    }

    private static int u32(byte[] b, int off) {
        return (b[off] & 0xFF) << 24 | (b[off + 1] & 0xFF) << 16 | (b[off + 2] & 0xFF) << 8 | (b[off + 3] & 0xFF);
    }

    private static long u64(byte[] b, int off) {
        return (long) u32(b, off) << 32 | (u32(b, off + 4) & 0xFFFF_FFFFL);
    }
}
