package io.mailtap.flow;

import io.mailtap.settings.ConfigView;
import io.mailtap.settings.Section;
import io.mailtap.settings.Units;

import java.util.Arrays;
import java.util.List;

import static io.mailtap.settings.Leaf.restart;
import static io.mailtap.settings.ValueTypes.bytes;
import static io.mailtap.settings.ValueTypes.duration;
import static io.mailtap.settings.ValueTypes.integer;

/**
 * Limits and timeouts of the flow table. Every bound has a default, a config key (documented in
 * config/mailtap.yml) and a counter in {@link FlowStats} that rises when it is hit.
 *
 * @param smtpPorts               server ports that make a TCP connection interesting (and decide
 *                                the server side when no handshake was seen)
 * @param trackAllTcp             also track TCP connections on other ports (for SMTP found by
 *                                content on odd ports); costs memory on busy links
 * @param maxFlows                connections tracked at once; the least recently active is evicted
 * @param maxBufferedBytesPerDirection out-of-order bytes held for one direction of one flow
 * @param maxBufferedBytesTotal   out-of-order bytes held across all flows
 * @param attemptTimeoutMicros    a SYN-only connection is let go after this much packet time
 * @param idleTimeoutMicros       an established connection with no packets is let go after this
 * @param closedTimeoutMicros     a closed (FIN/RST) connection lingers this long for late packets
 * @param ackWaitMicros           acknowledged bytes not yet captured are awaited this long before
 *                                they are a gap (0: a gap at the ACK)
 * @param ackWaitMaxBytes         acknowledged bytes not yet captured beyond this are a gap at once
 * @param overlapCheckBuffers     directions per flow table that keep their delivered, unacknowledged
 *                                bytes (8 KiB each) to tell a TCP insertion from a retransmission;
 *                                beyond it a direction keeps none (counted: unacked_not_kept)
 */
public record FlowSettings(
        int[] smtpPorts,
        boolean trackAllTcp,
        int maxFlows,
        int maxBufferedBytesPerDirection,
        long maxBufferedBytesTotal,
        long attemptTimeoutMicros,
        long idleTimeoutMicros,
        long closedTimeoutMicros,
        long ackWaitMicros,
        long ackWaitMaxBytes,
        int overlapCheckBuffers) {

    public static final long DEFAULT_ACK_WAIT_MICROS = 50_000L;
    public static final long DEFAULT_ACK_WAIT_MAX_BYTES = 256L * 1024;
    /** 2,048 directions of 8 KiB: at most 16 MiB per flow table. */
    public static final int DEFAULT_OVERLAP_CHECK_BUFFERS = 2048;

    public static final int[] DEFAULT_SMTP_PORTS = {25, 465, 587, 2525};

    /** The {@code flow} config section (every key needs a restart: the tables are built once and hold every open connection). */
    public static final Section SCHEMA = Section.of("flow",
            "The TCP flow table (bounds and timeouts are packet time; each hit is counted).",
            restart("max_flows", integer(1, 100_000_000), 1_000_000,
                    "Connections tracked at once; the least recently active is evicted."),
            restart("max_buffered_bytes_per_direction", bytes(1, Integer.MAX_VALUE), 262_144L,
                    "Out-of-order bytes held for one direction of one connection before the gap is skipped."),
            restart("max_buffered_bytes_total", bytes(1, Long.MAX_VALUE / 2), 268_435_456L,
                    "Out-of-order bytes held across all connections."),
            restart("attempt_timeout", duration(false), Units.parseDuration("30s"),
                    "A connection that only sent SYNs is ended (state attempted) after this."),
            restart("idle_timeout", duration(false), Units.parseDuration("5m"),
                    "An established connection without packets is ended after this."),
            restart("closed_timeout", duration(false), Units.parseDuration("5s"),
                    "A closed (FIN/RST) connection lingers this long for late packets."),
            restart("ack_wait", duration(false), Units.parseDuration("50ms"),
                    "Bytes the receiver acknowledged before the capture saw them (a mirror can deliver the ACK first) are awaited this long before they are a gap."),
            restart("ack_wait_max_bytes", bytes(0, Integer.MAX_VALUE), 262_144L,
                    "Acknowledged bytes not yet captured beyond this are a gap at once (a loss, not a reorder); 0: every such hole is a gap at the ACK."),
            restart("max_overlap_check_buffers", integer(0, 1_000_000), 2048,
                    "Connection directions per flow table that keep their delivered, unacknowledged bytes (8 KiB each) to tell a TCP insertion from a retransmission; beyond it a direction keeps none (counted in mailtap_tcp_unacked_not_kept_total); 0: off."));

    /** The flow table's settings from the config: its {@code flow} section and the {@code smtp} ports it follows. */
    public static FlowSettings from(ConfigView root) {
        ConfigView f = root.section(SCHEMA.name());
        List<Integer> ports = root.list("smtp.ports");
        return new FlowSettings(ports.stream().mapToInt(Integer::intValue).toArray(), root.bool("smtp.detect_on_any_port"),
                f.integer("max_flows"), f.integer("max_buffered_bytes_per_direction"), f.lng("max_buffered_bytes_total"),
                f.micros("attempt_timeout"), f.micros("idle_timeout"), f.micros("closed_timeout"), f.micros("ack_wait"),
                f.lng("ack_wait_max_bytes"), f.integer("max_overlap_check_buffers"));
    }

    public FlowSettings {
        smtpPorts = smtpPorts.clone();
        Arrays.sort(smtpPorts);
        if (overlapCheckBuffers < 0) throw new IllegalArgumentException("overlapCheckBuffers must be >= 0");
    }

    /** With the default number of overlap-check buffers. */
    public FlowSettings(int[] smtpPorts, boolean trackAllTcp, int maxFlows, int maxBufferedBytesPerDirection,
                        long maxBufferedBytesTotal, long attemptTimeoutMicros, long idleTimeoutMicros,
                        long closedTimeoutMicros, long ackWaitMicros, long ackWaitMaxBytes) {
        this(smtpPorts, trackAllTcp, maxFlows, maxBufferedBytesPerDirection, maxBufferedBytesTotal,
                attemptTimeoutMicros, idleTimeoutMicros, closedTimeoutMicros, ackWaitMicros, ackWaitMaxBytes,
                DEFAULT_OVERLAP_CHECK_BUFFERS);
    }

    /** With the default wait for acknowledged bytes. */
    public FlowSettings(int[] smtpPorts, boolean trackAllTcp, int maxFlows, int maxBufferedBytesPerDirection,
                        long maxBufferedBytesTotal, long attemptTimeoutMicros, long idleTimeoutMicros,
                        long closedTimeoutMicros) {
        this(smtpPorts, trackAllTcp, maxFlows, maxBufferedBytesPerDirection, maxBufferedBytesTotal,
                attemptTimeoutMicros, idleTimeoutMicros, closedTimeoutMicros,
                DEFAULT_ACK_WAIT_MICROS, DEFAULT_ACK_WAIT_MAX_BYTES);
    }

    public static FlowSettings defaults() {
        return new FlowSettings(DEFAULT_SMTP_PORTS, false,
                1_000_000, 256 * 1024, 256L * 1024 * 1024,
                30_000_000L, 300_000_000L, 5_000_000L);
    }

    /** These settings with another wait for acknowledged bytes. */
    public FlowSettings withAckWait(long micros, long maxBytes) {
        return new FlowSettings(smtpPorts, trackAllTcp, maxFlows, maxBufferedBytesPerDirection, maxBufferedBytesTotal,
                attemptTimeoutMicros, idleTimeoutMicros, closedTimeoutMicros, micros, maxBytes, overlapCheckBuffers);
    }

    public boolean isSmtpPort(int port) {
        return Arrays.binarySearch(smtpPorts, port) >= 0;
    }

    @Override
    public int[] smtpPorts() { return smtpPorts.clone(); }
}
