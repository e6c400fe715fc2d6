package io.mailtap.flow;

import io.mailtap.util.MeterSpec;

import static io.mailtap.util.MeterSpec.counter;
import static io.mailtap.util.MeterSpec.gauge;

/**
 * The flow stage's counters, one slot each in {@link FlowStats}; each is exported as declared here.
 * Every limit in {@link FlowSettings} has one that rises when it is hit: smtpPorts/trackAllTcp →
 * {@link #PACKETS_NOT_TRACKED}; maxFlows → {@link #EVICTED}; maxBufferedBytesPerDirection →
 * {@link #CAP_HITS_PER_DIRECTION}; maxBufferedBytesTotal → {@link #CAP_HITS_TOTAL};
 * attemptTimeoutMicros → {@link #ATTEMPT_TIMEOUTS}; idleTimeoutMicros → {@link #IDLE_TIMEOUTS};
 * closedTimeoutMicros → {@link #CLOSED_EXPIRED}.
 */
public enum FlowCounter implements MeterSpec.Counter {
    // --- packets
    PACKETS(counter("mailtap_flow_packets_total", "TCP packets on tracked ports that reached the flow table.")),
    PACKETS_NOT_TRACKED(counter("mailtap_flow_packets_not_tracked_total",
            "TCP packets ignored because neither port is an SMTP port (and tracking all TCP is off).")),
    PACKETS_NO_FLOW(counter("mailtap_flow_packets_no_flow_total",
            "Packets without a flow that cannot start one: a RST, or no SYN, no ACK and no payload (scans).")),
    INVALID_FLAGS(counter("mailtap_flow_invalid_flags_total", "Packets with contradictory flags (SYN with RST or FIN): ignored.")),

    // --- flows
    FLOWS_CREATED(counter("mailtap_flows_started_total", "Connections the flow tables started tracking.")),
    ESTABLISHED(counter("mailtap_flows_established_total", "Connections established (handshake completed, or picked up mid-stream).")),
    ATTEMPTS(counter("mailtap_flows_attempted_only_total", "Connections that ended having seen only the client's SYN(s).")),
    REJECTED(counter("mailtap_flows_refused_total", "SYNs answered by RST (connection refused).")),
    EVICTED(counter("mailtap_flows_evicted_total", "Connections evicted because flow.max_flows was reached.")),
    ATTEMPT_TIMEOUTS(counter("mailtap_flows_timeouts_total", "Connections let go by timeout, by the timeout that fired.")
            .label("timeout", "attempt")),
    IDLE_TIMEOUTS(counter("mailtap_flows_timeouts_total", "Connections let go by timeout, by the timeout that fired.")
            .label("timeout", "idle")),
    CLOSED_EXPIRED(counter("mailtap_flows_timeouts_total", "Connections let go by timeout, by the timeout that fired.")
            .label("timeout", "closed")),
    PORT_REUSE(counter("mailtap_flows_port_reuse_total",
            "SYNs with a new ISN on a closed connection still in the table: the old one ended, a new one started.")),

    // --- segments
    SYN_RETRANSMITS(counter("mailtap_tcp_syn_retransmits_total", "Retransmitted SYN or SYN/ACK (same ISN).")),
    SYN_UNEXPECTED(counter("mailtap_tcp_syn_unexpected_total",
            "SYNs that do not fit the connection (new ISN mid-connection, simultaneous open): ignored.")),
    KEEP_ALIVES(counter("mailtap_tcp_keepalives_total", "Keep-alive probes (not data).")),
    OUT_OF_ORDER_SEGMENTS(counter("mailtap_tcp_out_of_order_segments_total",
            "Segments (or parts) buffered because they arrived ahead of a hole.")),
    DUPLICATE_SEGMENTS(counter("mailtap_tcp_duplicate_segments_total",
            "Segments carrying bytes already delivered or buffered (retransmissions, overlaps).")),
    OVERLAP_CONFLICTS(counter("mailtap_tcp_overlap_conflicts_total",
            "Overlapping segments whose bytes differ from the first copy held: a possible evasion attempt.")),
    TRUNCATED_SEGMENTS(counter("mailtap_tcp_truncated_segments_total",
            "Segments whose captured payload is shorter than the IP length claims (snaplen).")),
    OUT_OF_WINDOW_SEGMENTS(counter("mailtap_tcp_out_of_window_segments_total",
            "Segments starting implausibly far (2^30 or more) ahead of the delivery point: ignored.")),
    IMPLAUSIBLE_ACKS(counter("mailtap_tcp_implausible_acks_total",
            "ACKs acknowledging implausibly far (2^30 or more) beyond the delivery point: ignored.")),
    BYTES_DELIVERED(counter("mailtap_tcp_payload_bytes_total", "In-order TCP payload bytes delivered to the SMTP analyzer.")),
    ACK_WAITS(counter("mailtap_tcp_ack_waits_total",
            "ACKs into a hole with nothing beyond it seen: the acknowledged bytes were awaited (flow.ack_wait) instead of declared lost.")),
    ACK_WAITS_EXPIRED(counter("mailtap_tcp_ack_waits_expired_total",
            "Waits for acknowledged bytes that ended in a capture-loss gap (flow.ack_wait, flow.ack_wait_max_bytes): the bytes never arrived.")),
    OVERLAPS_REPLACED(counter("mailtap_tcp_overlaps_replaced_total",
            "Conflicting re-sends that replaced delivered bytes the receiver had not acknowledged (possible TCP insertion).")),
    BYTES_REPLACED(counter("mailtap_tcp_bytes_replaced_total", "Delivered bytes given up for a later copy the receiver took.")),
    UNACKED_NOT_KEPT(counter("mailtap_tcp_unacked_not_kept_total",
            "Directions that could not keep their unacknowledged bytes for overlap checks (buffer pool exhausted).")),

    // --- buffers
    CAP_HITS_PER_DIRECTION(counter("mailtap_reassembly_cap_hits_total",
            "Times a reassembly buffer limit was hit (a gap is declared), by limit.").label("limit", "per_direction")),
    CAP_HITS_TOTAL(counter("mailtap_reassembly_cap_hits_total",
            "Times a reassembly buffer limit was hit (a gap is declared), by limit.").label("limit", "total")),
    BUFFERED_BYTES_NOW(gauge("mailtap_reassembly_buffered_bytes",
            "Bytes held in reassembly buffers now (payload plus a fixed bookkeeping charge per segment).")),
    ACTIVE_PEAK(gauge("mailtap_flows_active_peak",
            "Most connections tracked at once (summed over workers: an upper bound of the sensor's peak)."));

    private final MeterSpec meter;

    FlowCounter(MeterSpec meter) { this.meter = meter; }

    @Override
    public MeterSpec meter() { return meter; }
}
