package io.mailtap.decode;

import io.mailtap.util.MeterSpec;

import static io.mailtap.util.MeterSpec.counter;

/** The decode stage's counters, one slot each in {@link DecodeStats}; each is exported as declared here. */
public enum DecodeCounter implements MeterSpec.Counter {
    FRAMES(counter("mailtap_packets_total", "Frames handed to the decoder.")),
    BYTES(counter("mailtap_bytes_total", "Frame bytes on the wire (wire length).")),
    DECODED_TCP(counter("mailtap_packets_decoded_total", "Frames decoded as TCP.")),
    TRUNCATED_FRAMES(counter("mailtap_packets_truncated_total",
            "Frames whose capture was shorter than the wire length (capture.snaplen), decoded or not.")),
    TIMESTAMPS_CLAMPED(counter("mailtap_packets_timestamp_clamped_total",
            "Frames whose capture timestamp lay past 2262-04-11T23:47:16.854775Z (or wrapped negative), clamped to that instant.")),
    // One per encapsulation the decoder opens, counted per header entered (a frame nested twice counts twice).
    ENCAP_GRE(encapsulated("gre", "GRE headers (RFC 2784/2890) entered, ERSPAN included.")),
    ENCAP_ERSPAN(encapsulated("erspan", "ERSPAN type I, II or III headers entered (inside GRE).")),
    ENCAP_VXLAN(encapsulated("vxlan", "VXLAN headers (UDP 4789) entered.")),
    ENCAP_GENEVE(encapsulated("geneve", "GENEVE headers (UDP 6081) entered.")),
    ENCAP_MPLS(encapsulated("mpls", "MPLS label stacks entered.")),
    ENCAP_IP_IN_IP(encapsulated("ip_in_ip", "IPv4 or IPv6 packets carried in IPv4/IPv6 (IP protocol 4 or 41) entered.")),
    ENCAP_PPPOE(encapsulated("pppoe", "PPPoE session headers entered."));

    private static MeterSpec encapsulated(String encapsulation, String help) {
        return counter("mailtap_packets_encapsulated_total", help).label("encapsulation", encapsulation);
    }

    private final MeterSpec meter;

    DecodeCounter(MeterSpec meter) { this.meter = meter; }

    @Override
    public MeterSpec meter() { return meter; }
}
