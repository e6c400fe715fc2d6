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
 *
 * <p>Mirrors that arrive tunnelled (GRE, ERSPAN I/II/III, VXLAN, GENEVE, MPLS, IP-in-IP, PPPoE) are
 * followed to the packet inside, each header entered counted ({@code DecodeCounter.ENCAP_*}) and
 * nesting bounded by {@link #MAX_TUNNEL_DEPTH}; a broken tunnel header is
 * {@link SkipReason#MALFORMED_TUNNEL} (or TRUNCATED_TUNNEL when the capture ends in it). The view
 * then describes the inner packet, plus the outermost tunnel id that names the mirror session
 * ({@link PacketView#tunnelKind}, {@link PacketView#tunnelId}).
 */
public final class FrameDecoder {
    /** More tags than this (802.1Q/802.1ad stacked) are counted, not decoded. */
    public static final int MAX_VLAN_TAGS = 2;
    /** IPv6 extension headers walked before the chain is called malformed (RFC 8200 lists 6 kinds). */
    public static final int MAX_IPV6_EXTENSION_HEADERS = 8;
    /**
     * Encapsulations (GRE, ERSPAN's GRE, VXLAN, GENEVE, MPLS, IP-in-IP, PPPoE) opened inside one
     * another before the frame is counted as {@link SkipReason#TUNNEL_TOO_DEEP}: a mirror tunnel
     * around a tenant tunnel around PPPoE is three; more is a crafted frame, not a mirror.
     */
    public static final int MAX_TUNNEL_DEPTH = 4;
    /** MPLS label stack entries read before the stack is {@link SkipReason#TUNNEL_TOO_DEEP}. */
    public static final int MAX_MPLS_LABELS = 8;

    private static final int ETHERTYPE_IPV4 = 0x0800;
    private static final int ETHERTYPE_IPV6 = 0x86DD;
    private static final int ETHERTYPE_8021Q = 0x8100;
    private static final int ETHERTYPE_8021AD = 0x88A8;
    private static final int ETHERTYPE_QINQ_LEGACY = 0x9100;
    private static final int ETHERTYPE_MPLS_UNICAST = 0x8847;
    private static final int ETHERTYPE_MPLS_MULTICAST = 0x8848;
    private static final int ETHERTYPE_PPPOE_SESSION = 0x8864;
    /** GRE protocol types that are not ethertypes of a frame's payload. */
    private static final int GRE_TRANSPARENT_ETHERNET = 0x6558;
    private static final int GRE_ERSPAN_I_II = 0x88BE;
    private static final int GRE_ERSPAN_III = 0x22EB;

    private static final int GRE_CHECKSUM = 0x8000, GRE_KEY = 0x2000, GRE_SEQUENCE = 0x1000;
    /** RFC 1701 routing, strict source route and recursion bits: RFC 2784 receivers discard them. */
    private static final int GRE_RESERVED_DISCARD = 0x4000 | 0x0800 | 0x0400;
    private static final int GRE_VERSION = 0x0007;
    private static final int UDP_HEADER = 8;
    private static final int UDP_PORT_VXLAN = 4789;
    private static final int UDP_PORT_GENEVE = 6081;
    private static final int VXLAN_HEADER = 8;
    private static final int VXLAN_FLAG_VNI = 0x08;
    private static final int GENEVE_HEADER = 8;
    private static final int ERSPAN_II_HEADER = 8;
    private static final int ERSPAN_III_HEADER = 12;
    private static final int ERSPAN_III_PLATFORM_SUBHEADER = 8;
    private static final int ERSPAN_III_FRAME_ETHERNET = 0, ERSPAN_III_FRAME_IP = 2;
    private static final int MPLS_LABEL = 4;
    private static final int PW_CONTROL_WORD = 4;
    private static final int PPPOE_HEADER = 6;
    private static final int PPP_IPV4 = 0x0021, PPP_IPV6 = 0x0057;

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
    private static final int PROTO_IPIP = 4;
    private static final int PROTO_TCP = 6;
    private static final int PROTO_UDP = 17;
    private static final int PROTO_IPV6_IN_IP = 41;
    private static final int PROTO_GRE = 47;
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
        return decode(linkType, frame, 0, capturedLength, wireLength, tsMicros, out);
    }

    /**
     * As {@link #decode(int, byte[], int, int, long, PacketView)}, for a frame that starts at
     * {@code offset} inside {@code frame} — a live worker decodes straight out of its ring's arena,
     * without copying the frame first. The view's {@link PacketView#payloadOffset} is then an
     * index into {@code frame} as well.
     */
    public boolean decode(int linkType, byte[] frame, int offset, int capturedLength, int wireLength, long tsMicros,
                          PacketView out) {
        out.reset();
        int base = frame == null ? 0 : Math.max(0, Math.min(offset, frame.length));
        int cap = frame == null ? 0 : Math.max(0, Math.min(capturedLength, frame.length - base));
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

        // Below, every position is an index into frame: cap and wire are where the captured bytes
        // and the wire frame end (the wire end saturates rather than overflow past the array).
        SkipReason reason = link(linkType, frame, base, base + cap, (int) Math.min(Integer.MAX_VALUE, (long) base + wire), out);
        if (reason == null) {
            stats.inc(DecodeCounter.DECODED_TCP);
            return true;
        }
        stats.skip(reason);
        return false;
    }

    // Every stage below returns null when the packet decoded as TCP, else the single reason to count.

    private SkipReason link(int linkType, byte[] b, int base, int cap, int wire, PacketView out) {
        switch (linkType) {
            case LinkType.ETHERNET:
                if (cap - base < ETHERNET_HEADER) return SkipReason.TRUNCATED_LINK;
                return ethertype(b, cap, wire, base + ETHERNET_HEADER, u16(b, base + 12), 0, out);
            case LinkType.LINUX_SLL:
                if (cap - base < SLL_HEADER) return SkipReason.TRUNCATED_LINK;
                return ethertype(b, cap, wire, base + SLL_HEADER, u16(b, base + 14), 0, out);
            case LinkType.LINUX_SLL2:
                if (cap - base < SLL2_HEADER) return SkipReason.TRUNCATED_LINK;
                return ethertype(b, cap, wire, base + SLL2_HEADER, u16(b, base), 0, out);
            case LinkType.RAW:
            case LinkType.DLT_RAW_BSD:
            case LinkType.DLT_RAW_OPENBSD:
                return ip(b, cap, wire, base, 0, 0, out);
            case LinkType.IPV4:
                return ip(b, cap, wire, base, 4, 0, out);
            case LinkType.IPV6:
                return ip(b, cap, wire, base, 6, 0, out);
            case LinkType.NULL:
                if (cap - base < LOOPBACK_HEADER) return SkipReason.TRUNCATED_LINK;
                return addressFamily(b, base, cap, wire, hostOrderFamily(b, base), out);
            case LinkType.LOOP:
                if (cap - base < LOOPBACK_HEADER) return SkipReason.TRUNCATED_LINK;
                return addressFamily(b, base, cap, wire, u32(b, base), out);
            default:
                return SkipReason.UNSUPPORTED_LINK_TYPE;
        }
    }

    /**
     * DLT_NULL stores the family in the byte order of the machine that captured, which we do not
     * know; families are small numbers, so whichever order leaves the high half zero is the one.
     */
    private static int hostOrderFamily(byte[] b, int base) {
        int littleEndian = (b[base] & 0xFF) | (b[base + 1] & 0xFF) << 8 | (b[base + 2] & 0xFF) << 16 | (b[base + 3] & 0xFF) << 24;
        return (littleEndian & 0xFFFF_0000) != 0 ? Integer.reverseBytes(littleEndian) : littleEndian;
    }

    private SkipReason addressFamily(byte[] b, int base, int cap, int wire, int family, PacketView out) {
        switch (family) {
            case AF_INET:
                return ip(b, cap, wire, base + LOOPBACK_HEADER, 4, 0, out);
            case AF_INET6_NETBSD_OPENBSD:
            case AF_INET6_FREEBSD:
            case AF_INET6_DARWIN:
                return ip(b, cap, wire, base + LOOPBACK_HEADER, 6, 0, out);
            default:
                return SkipReason.NOT_IP;
        }
    }

    /**
     * Follows up to {@link #MAX_VLAN_TAGS} tags after an ethertype-style protocol field, then IP,
     * MPLS or a PPPoE session.
     *
     * @param depth encapsulations already entered around this header (0 for the capture's own link)
     */
    private SkipReason ethertype(byte[] b, int cap, int wire, int off, int type, int depth, PacketView out) {
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
        switch (type) {
            case ETHERTYPE_IPV4:
                return ip(b, cap, wire, off, 4, depth, out);
            case ETHERTYPE_IPV6:
                return ip(b, cap, wire, off, 6, depth, out);
            case ETHERTYPE_MPLS_UNICAST:
            case ETHERTYPE_MPLS_MULTICAST:
                return mpls(b, cap, wire, off, depth, out);
            case ETHERTYPE_PPPOE_SESSION:
                return pppoe(b, cap, wire, off, depth, out);
            default:
                return SkipReason.NOT_IP;
        }
    }

    /** @param expectedVersion 4 or 6 as the link layer announced it, 0 to let the version nibble decide */
    private SkipReason ip(byte[] b, int cap, int wire, int off, int expectedVersion, int depth, PacketView out) {
        if (cap - off < 1) return SkipReason.TRUNCATED_IP;
        int version = (b[off] & 0xFF) >>> 4;
        if (expectedVersion != 0 && version != expectedVersion) return SkipReason.MALFORMED_IP;
        if (version == 4) return ipv4(b, cap, wire, off, depth, out);
        if (version == 6) return ipv6(b, cap, wire, off, depth, out);
        return SkipReason.MALFORMED_IP;
    }

    private SkipReason ipv4(byte[] b, int cap, int wire, int off, int depth, PacketView out) {
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
        int protocol = b[off + 9] & 0xFF;
        if (protocol != PROTO_TCP) return ipPayload(protocol, b, cap, wire, off + headerLength, end, depth, out);

        out.ipVersion = 4;
        out.ttl = b[off + 8] & 0xFF;
        out.srcHi = 0;
        out.srcLo = V4_MAPPED_LO | (u32(b, off + 12) & 0xFFFF_FFFFL);
        out.dstHi = 0;
        out.dstLo = V4_MAPPED_LO | (u32(b, off + 16) & 0xFFFF_FFFFL);
        return tcp(b, cap, wire, off + headerLength, end, out);
    }

    private SkipReason ipv6(byte[] b, int cap, int wire, int off, int depth, PacketView out) {
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
            // Tunnels, or UDP, ICMPv6, ESP (opaque), "no next header": nothing for us inside.
            if (!isExtensionHeader(next)) return ipPayload(next, b, cap, wire, p, end, depth, out);
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

    // --- tunnels --------------------------------------------------------------------------------
    // Each tunnel counts its header as entered, checks the nesting bound, and hands the inner
    // packet on with cap and wire clipped to where the enclosing header says its payload ends.

    /** An IP payload that is not TCP: a tunnel we follow, or {@link SkipReason#NOT_TCP}. */
    private SkipReason ipPayload(int protocol, byte[] b, int cap, int wire, int p, int end, int depth,
                                 PacketView out) {
        int innerCap = Math.min(cap, end), innerWire = Math.min(wire, end);
        switch (protocol) {
            case PROTO_IPIP:
            case PROTO_IPV6_IN_IP: {
                SkipReason deep = enter(DecodeCounter.ENCAP_IP_IN_IP, depth);
                if (deep != null) return deep;
                underlay(out);
                return ip(b, innerCap, innerWire, p, protocol == PROTO_IPIP ? 4 : 6, depth + 1, out);
            }
            case PROTO_GRE:
                return gre(b, innerCap, innerWire, p, depth, out);
            case PROTO_UDP:
                return udp(b, innerCap, innerWire, p, depth, out);
            default:
                return SkipReason.NOT_TCP;
        }
    }

    /** UDP to the VXLAN or GENEVE port is a tunnel; any other UDP is just not TCP. */
    private SkipReason udp(byte[] b, int cap, int wire, int u, int depth, PacketView out) {
        if (cap - u < 4) return SkipReason.NOT_TCP; // cannot even tell the port
        int dstPort = u16(b, u + 2);
        if (dstPort != UDP_PORT_VXLAN && dstPort != UDP_PORT_GENEVE) return SkipReason.NOT_TCP;
        SkipReason bad = need(cap, wire, u, UDP_HEADER);
        if (bad != null) return bad;
        int length = u16(b, u + 4);
        if (length < UDP_HEADER || length > wire - u) return SkipReason.MALFORMED_TUNNEL;
        int end = u + length;
        int innerCap = Math.min(cap, end);
        return dstPort == UDP_PORT_VXLAN
                ? vxlan(b, innerCap, end, u + UDP_HEADER, depth, out)
                : geneve(b, innerCap, end, u + UDP_HEADER, depth, out);
    }

    /** RFC 7348: flags (I = a VNI follows), 24 reserved bits, the 24-bit VNI, 8 reserved; then Ethernet. */
    private SkipReason vxlan(byte[] b, int cap, int wire, int v, int depth, PacketView out) {
        SkipReason bad = enter(DecodeCounter.ENCAP_VXLAN, depth);
        if (bad == null) bad = need(cap, wire, v, VXLAN_HEADER);
        if (bad != null) return bad;
        if ((b[v] & VXLAN_FLAG_VNI) == 0) return SkipReason.MALFORMED_TUNNEL;
        scope(out, TunnelKind.VXLAN_VNI, u32(b, v + 4) >>> 8);
        return ethernet(b, cap, wire, v + VXLAN_HEADER, depth + 1, out);
    }

    /** RFC 8926: version, options length in words, flags, protocol type, VNI; options; the payload. */
    private SkipReason geneve(byte[] b, int cap, int wire, int g, int depth, PacketView out) {
        SkipReason bad = enter(DecodeCounter.ENCAP_GENEVE, depth);
        if (bad == null) bad = need(cap, wire, g, GENEVE_HEADER);
        if (bad != null) return bad;
        if ((b[g] & 0xC0) != 0) return SkipReason.MALFORMED_TUNNEL; // only version 0 exists
        int header = GENEVE_HEADER + (b[g] & 0x3F) * 4;
        bad = need(cap, wire, g, header);
        if (bad != null) return bad;
        scope(out, TunnelKind.GENEVE_VNI, u32(b, g + 4) >>> 8);
        int protocol = u16(b, g + 2);
        if (protocol == GRE_TRANSPARENT_ETHERNET) return ethernet(b, cap, wire, g + header, depth + 1, out);
        underlay(out);
        return ethertype(b, cap, wire, g + header, protocol, depth + 1, out);
    }

    /**
     * RFC 2784 with RFC 2890's key and sequence number. The key names the mirror session. Version 1
     * is PPTP's enhanced GRE, which carries PPP sessions rather than mirrored frames.
     */
    private SkipReason gre(byte[] b, int cap, int wire, int g, int depth, PacketView out) {
        SkipReason bad = enter(DecodeCounter.ENCAP_GRE, depth);
        if (bad == null) bad = need(cap, wire, g, 4);
        if (bad != null) return bad;
        int flags = u16(b, g);
        int protocol = u16(b, g + 2);
        if ((flags & GRE_VERSION) != 0) return SkipReason.NOT_IP;
        if ((flags & GRE_RESERVED_DISCARD) != 0) return SkipReason.MALFORMED_TUNNEL;
        int header = 4;
        if ((flags & GRE_CHECKSUM) != 0) header += 4;
        int keyAt = g + header;
        if ((flags & GRE_KEY) != 0) header += 4;
        boolean sequenced = (flags & GRE_SEQUENCE) != 0;
        if (sequenced) header += 4;
        bad = need(cap, wire, g, header);
        if (bad != null) return bad;
        if ((flags & GRE_KEY) != 0) scope(out, TunnelKind.GRE_KEY, u32(b, keyAt));
        int inner = g + header;
        switch (protocol) {
            case GRE_TRANSPARENT_ETHERNET:
                return ethernet(b, cap, wire, inner, depth + 1, out);
            case GRE_ERSPAN_I_II:
                stats.inc(DecodeCounter.ENCAP_ERSPAN);
                // Type I has no ERSPAN header at all, and says so by leaving the sequence bit clear.
                return sequenced ? erspanII(b, cap, wire, inner, depth + 1, out)
                        : ethernet(b, cap, wire, inner, depth + 1, out);
            case GRE_ERSPAN_III:
                stats.inc(DecodeCounter.ENCAP_ERSPAN);
                return erspanIII(b, cap, wire, inner, depth + 1, out);
            default:
                underlay(out);
                return ethertype(b, cap, wire, inner, protocol, depth + 1, out);
        }
    }

    /** Version 1, VLAN, CoS, encapsulation, truncated bit, 10-bit session id, index; then Ethernet. */
    private SkipReason erspanII(byte[] b, int cap, int wire, int e, int depth, PacketView out) {
        SkipReason bad = need(cap, wire, e, ERSPAN_II_HEADER);
        if (bad != null) return bad;
        if ((b[e] & 0xF0) >>> 4 != 1) return SkipReason.MALFORMED_TUNNEL;
        scope(out, TunnelKind.ERSPAN_SESSION, u16(b, e + 2) & 0x3FF);
        return ethernet(b, cap, wire, e + ERSPAN_II_HEADER, depth, out);
    }

    /**
     * Version 2 with the type II fields, a timestamp, SGT and a frame type (Ethernet or IP), and an
     * optional 8-byte platform sub-header when the O bit is set.
     */
    private SkipReason erspanIII(byte[] b, int cap, int wire, int e, int depth, PacketView out) {
        SkipReason bad = need(cap, wire, e, ERSPAN_III_HEADER);
        if (bad != null) return bad;
        if ((b[e] & 0xF0) >>> 4 != 2) return SkipReason.MALFORMED_TUNNEL;
        int header = ERSPAN_III_HEADER + ((b[e + 11] & 0x01) != 0 ? ERSPAN_III_PLATFORM_SUBHEADER : 0);
        bad = need(cap, wire, e, header);
        if (bad != null) return bad;
        scope(out, TunnelKind.ERSPAN_SESSION, u16(b, e + 2) & 0x3FF);
        int frameType = (b[e + 10] >>> 2) & 0x1F;
        if (frameType == ERSPAN_III_FRAME_ETHERNET) return ethernet(b, cap, wire, e + header, depth, out);
        if (frameType != ERSPAN_III_FRAME_IP) return SkipReason.NOT_IP;
        underlay(out);
        return ip(b, cap, wire, e + header, 0, depth, out);
    }

    /**
     * A label stack up to the bottom-of-stack bit, then IPv4 or IPv6 by the version nibble. Anything
     * else may be an Ethernet pseudowire, with or without a control word; it is decoded only when
     * exactly one of the two readings finds an IP packet where the frame's ethertype says one is.
     * Labels are not part of the flow key: each direction of a connection may carry its own.
     */
    private SkipReason mpls(byte[] b, int cap, int wire, int m, int depth, PacketView out) {
        SkipReason bad = enter(DecodeCounter.ENCAP_MPLS, depth);
        if (bad != null) return bad;
        for (int labels = 0; ; labels++) {
            if (labels == MAX_MPLS_LABELS) return SkipReason.TUNNEL_TOO_DEEP;
            bad = need(cap, wire, m, MPLS_LABEL);
            if (bad != null) return bad;
            boolean bottom = (b[m + 2] & 0x01) != 0;
            m += MPLS_LABEL;
            if (bottom) break;
        }
        bad = need(cap, wire, m, 1);
        if (bad != null) return bad;
        int nibble = (b[m] & 0xF0) >>> 4;
        if (nibble == 4 || nibble == 6) return ip(b, cap, wire, m, nibble, depth + 1, out);
        boolean withControlWord = nibble == 0 && carriesIp(b, cap, m + PW_CONTROL_WORD);
        boolean bare = carriesIp(b, cap, m);
        if (withControlWord == bare) return SkipReason.NOT_IP; // neither reading, or both: do not guess
        return ethernet(b, cap, wire, withControlWord ? m + PW_CONTROL_WORD : m, depth + 1, out);
    }

    /** Whether an Ethernet header (up to two tags) at {@code eth} announces IP and the version nibble agrees. */
    private static boolean carriesIp(byte[] b, int cap, int eth) {
        int at = eth + 12;
        for (int tags = 0; ; tags++) {
            if (cap - at < 3) return false;
            int type = u16(b, at);
            if ((type == ETHERTYPE_8021Q || type == ETHERTYPE_8021AD) && tags < MAX_VLAN_TAGS) {
                at += VLAN_TAG;
                continue;
            }
            int nibble = (b[at + 2] & 0xF0) >>> 4;
            return type == ETHERTYPE_IPV4 && nibble == 4 || type == ETHERTYPE_IPV6 && nibble == 6;
        }
    }

    /** RFC 2516 session stage: version/type 0x11, code 0, session id, length; then a PPP protocol. */
    private SkipReason pppoe(byte[] b, int cap, int wire, int p, int depth, PacketView out) {
        SkipReason bad = enter(DecodeCounter.ENCAP_PPPOE, depth);
        if (bad == null) bad = need(cap, wire, p, PPPOE_HEADER + 2);
        if (bad != null) return bad;
        if ((b[p] & 0xFF) != 0x11 || b[p + 1] != 0) return SkipReason.MALFORMED_TUNNEL;
        int length = u16(b, p + 4);
        if (length < 2 || length > wire - p - PPPOE_HEADER) return SkipReason.MALFORMED_TUNNEL;
        int end = p + PPPOE_HEADER + length; // Ethernet padding may follow
        scope(out, TunnelKind.PPPOE_SESSION, u16(b, p + 2));
        int protocol = u16(b, p + PPPOE_HEADER);
        int version = protocol == PPP_IPV4 ? 4 : protocol == PPP_IPV6 ? 6 : 0;
        if (version == 0) return SkipReason.NOT_IP; // LCP, IPCP, ...: PPP's own control traffic
        return ip(b, Math.min(cap, end), end, p + PPPOE_HEADER + 2, version, depth + 1, out);
    }

    /** An Ethernet frame carried inside a tunnel: its own tags replace the underlay's. */
    private SkipReason ethernet(byte[] b, int cap, int wire, int e, int depth, PacketView out) {
        if (wire - e < ETHERNET_HEADER) return SkipReason.MALFORMED_TUNNEL;
        if (cap - e < ETHERNET_HEADER) return SkipReason.TRUNCATED_LINK;
        underlay(out);
        return ethertype(b, cap, wire, e + ETHERNET_HEADER, u16(b, e + 12), depth, out);
    }

    /** Counts the encapsulation; {@link SkipReason#TUNNEL_TOO_DEEP} past the nesting bound, else null. */
    private SkipReason enter(DecodeCounter encapsulation, int depth) {
        stats.inc(encapsulation);
        return depth >= MAX_TUNNEL_DEPTH ? SkipReason.TUNNEL_TOO_DEEP : null;
    }

    /** Null if {@code n} header bytes at {@code off} are there; else whether the packet or the capture is short. */
    private static SkipReason need(int cap, int wire, int off, int n) {
        if (wire - off < n) return SkipReason.MALFORMED_TUNNEL;
        if (cap - off < n) return SkipReason.TRUNCATED_TUNNEL;
        return null;
    }

    /** The outermost tunnel with an id names the mirror session; inner ids are the tenant's business. */
    private static void scope(PacketView out, int kind, int id) {
        if (out.tunnelKind != TunnelKind.NONE) return;
        out.tunnelKind = kind;
        out.tunnelId = id;
    }

    /**
     * The tags seen so far belong to the network that carried the tunnel, not to the mirrored
     * session: forget them, so a tunnelled session is keyed and logged as the direct mirror shows it.
     */
    private static void underlay(PacketView out) {
        out.vlanOuter = 0;
        out.vlanInner = 0;
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
