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
    TRUNCATED_IP("truncated_ip"),
    /** IP version nibble disagrees with the link type / ethertype, or header length invalid. */
    MALFORMED_IP("malformed_ip"),
    /** IPv4 fragment (any fragment, first or later): we do not reassemble IP. */
    IP_FRAGMENT("ip_fragment"),
    /** IPv6 extension header chain truncated or too long. */
    MALFORMED_IPV6_EXTENSION("malformed_ipv6_extension"),
    /** IP but not TCP (UDP, ICMP, ...). */
    NOT_TCP("not_tcp"),
    TRUNCATED_TCP("truncated_tcp"),
    /** TCP data offset below 5 words or past the IP payload. */
    MALFORMED_TCP("malformed_tcp");

    private final String label;

    SkipReason(String label) { this.label = label; }

    public String label() { return label; }
}
