package io.mailtap.decode;

/**
 * A reusable, mutable view of one decoded TCP packet. {@link FrameDecoder} fills it in place so
 * the per-packet path allocates nothing; whoever holds it must copy what it wants to keep before
 * the next packet is decoded into it.
 *
 * <p>Addresses are stored as two longs each (IPv4 as the v4-mapped IPv6 address
 * {@code ::ffff:a.b.c.d}) so a flow key can be hashed and compared without objects.
 */
public final class PacketView {
    /** Packet time in microseconds since the epoch (pcap header time). */
    public long tsMicros;
    /** Bytes of the frame as captured (may be less than {@link #wireLength} under a snaplen). */
    public int capturedLength;
    /** Length of the frame on the wire. */
    public int wireLength;
    /** Frame bytes; not owned by the view, valid only until the next packet is read. */
    public byte[] frame;

    /** 802.1Q/802.1ad tags: 0 when untagged; outer tag, and inner tag for QinQ (else 0). */
    public int vlanOuter;
    public int vlanInner;

    /**
     * The outermost tunnel that names a mirror session ({@link TunnelKind}; {@code NONE} when
     * none did) and its id: GRE key, ERSPAN session id, VXLAN/GENEVE VNI, PPPoE session id.
     */
    public int tunnelKind;
    public int tunnelId;

    /** 4 or 6. */
    public int ipVersion;
    public long srcHi, srcLo, dstHi, dstLo;
    /** IP TTL / hop limit. */
    public int ttl;

    public int srcPort, dstPort;
    /** Raw 32-bit sequence and acknowledgement numbers (compare with wrap-around arithmetic). */
    public int seq, ack;
    /** TCP flags byte (FIN=0x01 SYN=0x02 RST=0x04 PSH=0x08 ACK=0x10 URG=0x20 ECE=0x40 CWR=0x80). */
    public int tcpFlags;
    public int window;

    /** Offset of the TCP payload inside {@link #frame}. */
    public int payloadOffset;
    /** Payload bytes actually present in {@link #frame} (clipped to what was captured). */
    public int payloadLength;
    /**
     * Payload length the IP header claims (sequence space the segment occupies, without SYN/FIN).
     * Larger than {@link #payloadLength} when the capture truncated the frame: the difference is
     * data that crossed the wire but that we never saw.
     */
    public int segmentLength;

    public static final int FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10;

    public boolean syn() { return (tcpFlags & SYN) != 0; }
    public boolean ack() { return (tcpFlags & ACK) != 0; }
    public boolean fin() { return (tcpFlags & FIN) != 0; }
    public boolean rst() { return (tcpFlags & RST) != 0; }

    /** The VLAN part of a flow key: outer and inner tag in one int. */
    public int vlanKey() { return (vlanOuter << 12) | vlanInner; }

    /** Bits of {@link #scopeKey()} that hold {@link #vlanKey()}. */
    public static final long VLAN_KEY_MASK = 0xFF_FFFFL;
    /** Where the tunnel part of {@link #scopeKey()} starts: kind in bits 56-59, id in 24-55. */
    public static final int TUNNEL_SHIFT = 24;

    /**
     * What besides the 5-tuple tells two flows apart: the VLAN tags and the tunnel (kind and id),
     * so the same inner 5-tuple mirrored in two VNIs, GRE keys or ERSPAN sessions is two flows.
     * Untunnelled, it equals {@link #vlanKey()}.
     */
    public long scopeKey() {
        return (long) tunnelKind << 56 | (tunnelId & 0xFFFF_FFFFL) << TUNNEL_SHIFT | vlanKey();
    }

    /** Clears every field so stale values from the previous packet cannot leak into this one. */
    public void reset() {
        tsMicros = 0; capturedLength = 0; wireLength = 0; frame = null;
        vlanOuter = 0; vlanInner = 0; tunnelKind = 0; tunnelId = 0; ipVersion = 0;
        srcHi = srcLo = dstHi = dstLo = 0; ttl = 0;
        srcPort = dstPort = 0; seq = ack = 0; tcpFlags = 0; window = 0;
        payloadOffset = payloadLength = segmentLength = 0;
    }
}
