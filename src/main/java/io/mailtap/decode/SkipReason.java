package io.mailtap.decode;

/**
 * Why a frame did not reach the flow layer. Every skipped frame is counted under exactly one
 * reason (the decoder's "weirds"); the metric label is {@link #label()}.
 */
public enum SkipReason {
    /** Link type we do not decode (counted once per frame). */
    UNSUPPORTED_LINK_TYPE("unsupported_link_type"),
    /** Frame too short for its link-layer header (including VLAN tags). */
    TRUNCATED_LINK("truncated_link"),
    /** Not IPv4/IPv6 (ARP, LLDP, ...): normal on a mirror port, not an error. */
    NOT_IP("not_ip"),
    /** More VLAN tags than we decode (more than two). */
    TOO_MANY_VLAN_TAGS("too_many_vlan_tags"),
    /** Capture ends inside the IP header or its IPv6 extension headers. */
    TRUNCATED_IP("truncated_ip"),
    /**
     * IP version nibble disagrees with the link type / ethertype, or header length invalid
     * (IPv4 total length below the header; IPv6 payload length 0, i.e. a jumbogram).
     */
    MALFORMED_IP("malformed_ip"),
    /**
     * IPv4 or IPv6 fragment (any fragment, first or later, of any protocol): we do not reassemble
     * IP. An IPv6 atomic fragment (offset 0, no more fragments) is a whole packet and is decoded.
     */
    IP_FRAGMENT("ip_fragment"),
    /**
     * IPv6 extension header chain that runs past the IPv6 payload length, is longer than the
     * decoder walks, or has hop-by-hop anywhere but first. (Cut by the snaplen: TRUNCATED_IP.)
     */
    MALFORMED_IPV6_EXTENSION("malformed_ipv6_extension"),
    /** IP but not TCP (UDP, ICMP, ...). */
    NOT_TCP("not_tcp"),
    /** Capture ends inside the TCP header (a cut inside the payload still decodes). */
    TRUNCATED_TCP("truncated_tcp"),
    /** TCP data offset below 5 words or past the IP payload. */
    MALFORMED_TCP("malformed_tcp"),
    /** Capture ends inside a tunnel header (GRE, ERSPAN, UDP+VXLAN/GENEVE, MPLS label stack, PPPoE). */
    TRUNCATED_TUNNEL("truncated_tunnel"),
    /**
     * A tunnel header that breaks its own rules: GRE reserved bits set, an ERSPAN version that does
     * not match its GRE protocol, VXLAN without the VNI flag, a GENEVE version other than 0, options
     * or a UDP length past the packet, a PPPoE header that is not a session frame.
     */
    MALFORMED_TUNNEL("malformed_tunnel"),
    /**
     * More nested encapsulations than {@link FrameDecoder#MAX_TUNNEL_DEPTH}, or a longer MPLS
     * label stack than {@link FrameDecoder#MAX_MPLS_LABELS}.
     */
    TUNNEL_TOO_DEEP("tunnel_too_deep");

    private final String label;

    SkipReason(String label) { this.label = label; }

    public String label() { return label; }
}
