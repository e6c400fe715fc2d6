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
            "Frames whose capture timestamp lay past 2262-04-11T23:47:16.854775Z (or wrapped negative), clamped to that instant."));

    private final MeterSpec meter;

    DecodeCounter(MeterSpec meter) { this.meter = meter; }

    @Override
    public MeterSpec meter() { return meter; }
}
