package io.mailtap.flow;

import java.util.Arrays;

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
