package io.mailtap.flow;

/**
 * Counters of the flow stage. Written only by the thread that owns the {@link FlowTable}, read by
 * the metrics scrape without locks: values may be a moment stale, never torn on a 64-bit JVM.
 *
 * <p>Every limit in {@link FlowSettings} has a counter here that rises when it is hit:
 * smtpPorts/trackAllTcp → {@link #packetsNotTracked}; maxFlows → {@link #evicted};
 * maxBufferedBytesPerDirection → {@link #capHitsPerDirection}; maxBufferedBytesTotal →
 * {@link #capHitsTotal}; attemptTimeoutMicros → {@link #attemptTimeouts}; idleTimeoutMicros →
 * {@link #idleTimeouts}; closedTimeoutMicros → {@link #closedExpired}; ackWaitMicros and
 * ackWaitMaxBytes → {@link #ackWaitsExpired}; the fixed pool of unacknowledged-byte buffers
 * ({@code UnackedPool}) → {@link #unackedNotKept}.
 */
public final class FlowStats {
    private final long[] ended = new long[EndReason.values().length];
    private final long[] gaps = new long[GapCause.values().length];
    private final long[] gapBytes = new long[GapCause.values().length];

    // --- packets ---
    /** TCP packets on tracked ports that reached the flow table. */
    public long packets;
    /** TCP packets ignored because neither port is an SMTP port (and trackAllTcp is off). */
    public long packetsNotTracked;
    /** Packets without a flow that cannot start one: a RST, or no SYN, no ACK and no payload (scans). */
    public long packetsNoFlow;
    /** Packets with contradictory flags (SYN together with RST or FIN): ignored. */
    public long invalidFlags;

    // --- flows ---
    public long flowsCreated;
    /** onEstablished calls (handshake completed, or mid-stream pick-up). */
    public long established;
    /** Flows that ended having seen only the client's SYN(s): unanswered or unseen answers. */
    public long attempts;
    /** SYNs answered by RST (connection refused). */
    public long rejected;
    /** Flows removed because maxFlows was reached (least recently active first). */
    public long evicted;
    /** Flows let go after attemptTimeoutMicros with only SYNs seen. */
    public long attemptTimeouts;
    /** Flows let go after idleTimeoutMicros without packets. */
    public long idleTimeouts;
    /** Closed flows removed after lingering closedTimeoutMicros. */
    public long closedExpired;
    /** A SYN with a new ISN on a closed flow still in the table: the old flow ended, a new one started. */
    public long portReuse;

    // --- segments ---
    /** Retransmitted SYN or SYN/ACK (same ISN). */
    public long synRetransmits;
    /** SYN that does not fit the connection (new ISN mid-connection, simultaneous open): ignored. */
    public long synUnexpected;
    /** Keep-alive probes (seq = next-1, 0 or 1 byte): not data. */
    public long keepAlives;
    /** Segments (or parts) copied into a reassembly buffer because they arrived ahead of a hole. */
    public long outOfOrderSegments;
    /** Segments carrying bytes already delivered or already buffered (retransmissions, overlaps). */
    public long duplicateSegments;
    /**
     * Overlapping segments whose bytes differ from the first copy still held in the buffer: a
     * possible evasion attempt. Bytes already delivered are not kept, so they cannot be compared.
     */
    public long overlapConflicts;
    /**
     * Conflicting re-sends that replaced delivered bytes: the receiver had not acknowledged the
     * first copy although it answered after it, so it did not take it (TCP insertion). Each is
     * also an {@link #overlapConflicts}; {@link #bytesReplaced} counts the bytes given up.
     */
    public long overlapsReplaced;
    /** Delivered bytes given up for a later copy the receiver took ({@link #overlapsReplaced}). */
    public long bytesReplaced;
    /** Directions that could not keep their unacknowledged bytes (buffer pool exhausted). */
    public long unackedNotKept;
    /** Segments whose captured payload is shorter than the IP length claims (snaplen). */
    public long truncatedSegments;
    /** Segments starting implausibly far (≥ 2^30) ahead of the delivery point: ignored. */
    public long outOfWindowSegments;
    /** ACKs acknowledging implausibly far (≥ 2^30) beyond the delivery point: ignored. */
    public long implausibleAcks;
    /**
     * ACKs into a hole with nothing of that direction seen beyond it: the acknowledged bytes were
     * awaited (flow.ack_wait) instead of declared lost at once. A mirror that delivers ACKs before
     * their data raises this; {@link #ackWaits} minus {@link #ackWaitsExpired} is the data saved.
     */
    public long ackWaits;
    /** Waits for acknowledged bytes that ended in a capture-loss gap: the bytes never arrived. */
    public long ackWaitsExpired;
    /** In-order payload bytes handed to the listener (less those it was told were replaced). */
    public long bytesDelivered;

    // --- buffers ---
    /** A direction's buffer would exceed maxBufferedBytesPerDirection. */
    public long capHitsPerDirection;
    /** The table's buffers would exceed maxBufferedBytesTotal. */
    public long capHitsTotal;
    /** Bytes held in reassembly buffers now (payload plus a fixed bookkeeping charge per segment). */
    public long bufferedBytesNow;
    /** Most connections tracked at once (summed over workers: an upper bound of the sensor's peak). */
    public long activePeak;

    void countEnd(EndReason reason) { ended[reason.ordinal()]++; }

    void gap(GapCause cause, long bytes) {
        gaps[cause.ordinal()]++;
        gapBytes[cause.ordinal()] += bytes;
    }

    public long ended(EndReason reason) { return ended[reason.ordinal()]; }

    public long endedTotal() {
        long t = 0;
        for (long e : ended) t += e;
        return t;
    }

    /** Flows in the table now. */
    public long active() { return flowsCreated - endedTotal(); }

    /** Gaps declared for this cause. */
    public long gaps(GapCause cause) { return gaps[cause.ordinal()]; }

    /** Bytes skipped by gaps of this cause. */
    public long gapBytes(GapCause cause) { return gapBytes[cause.ordinal()]; }

    public long gapsTotal() {
        long t = 0;
        for (long g : gaps) t += g;
        return t;
    }

    public long gapBytesTotal() {
        long t = 0;
        for (long g : gapBytes) t += g;
        return t;
    }

    /** Adds this stage's counters into {@code sum} (live mode sums the workers' stats). */
    public void addTo(FlowStats sum) {
        sum.packets += packets; sum.packetsNotTracked += packetsNotTracked;
        sum.packetsNoFlow += packetsNoFlow; sum.invalidFlags += invalidFlags;
        sum.flowsCreated += flowsCreated; sum.established += established; sum.attempts += attempts;
        sum.rejected += rejected; sum.evicted += evicted; sum.attemptTimeouts += attemptTimeouts;
        sum.idleTimeouts += idleTimeouts; sum.closedExpired += closedExpired; sum.portReuse += portReuse;
        sum.synRetransmits += synRetransmits; sum.synUnexpected += synUnexpected;
        sum.keepAlives += keepAlives; sum.outOfOrderSegments += outOfOrderSegments;
        sum.duplicateSegments += duplicateSegments; sum.overlapConflicts += overlapConflicts;
        sum.truncatedSegments += truncatedSegments; sum.outOfWindowSegments += outOfWindowSegments;
        sum.implausibleAcks += implausibleAcks; sum.bytesDelivered += bytesDelivered;
        sum.ackWaits += ackWaits; sum.ackWaitsExpired += ackWaitsExpired;
        sum.overlapsReplaced += overlapsReplaced; sum.bytesReplaced += bytesReplaced;
        sum.unackedNotKept += unackedNotKept;
        sum.capHitsPerDirection += capHitsPerDirection; sum.capHitsTotal += capHitsTotal;
        sum.bufferedBytesNow += bufferedBytesNow;
        sum.activePeak += activePeak;
        for (int i = 0; i < ended.length; i++) sum.ended[i] += ended[i];
        for (int i = 0; i < gaps.length; i++) {
            sum.gaps[i] += gaps[i];
            sum.gapBytes[i] += gapBytes[i];
        }
    }
}
