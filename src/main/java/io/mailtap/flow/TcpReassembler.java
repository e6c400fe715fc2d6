package io.mailtap.flow;

/**
 * Puts one direction of a TCP connection back in order and hands it to the listener as a byte
 * stream with explicit holes.
 *
 * <p><b>Delivery point.</b> {@link #nextSeq} is the first sequence number not yet delivered or
 * skipped. It starts after the SYN (ISN+1) when the SYN was seen, else at the first segment's seq
 * (mid-stream pick-up). Everything before it is final: bytes are never delivered twice and a gap
 * is never reported twice. Sequence numbers are compared as {@code a - b} in int arithmetic, so
 * the 2^32 wrap-around needs no special case as long as the distances stay below 2^31; this class
 * refuses distances of {@link #MAX_AHEAD} or more as implausible.
 *
 * <p><b>In order</b> (the common case) the payload is passed straight from the captured frame, no
 * copy. <b>Ahead of a hole</b> it is copied into a sorted, non-overlapping list of segments,
 * charged against the per-direction and the table-wide cap.
 *
 * <p><b>Overlaps: first copy wins</b> (Zeek's and Suricata's default "first" policy). Bytes
 * already delivered are dropped from retransmissions; bytes already buffered keep their first
 * copy, and only the uncovered pieces of a later segment are stored. When an overlapping byte
 * differs from the buffered first copy, {@link FlowStats#overlapConflicts} rises: end hosts
 * disagree with what we reassembled, which is how IDS evasion by ambiguous retransmission works.
 * Delivered bytes are not kept, so a conflicting retransmission of them cannot be detected.
 *
 * <p><b>Gaps</b>, each declared exactly once with delivery resuming after it: (a) the peer ACKs
 * data we never saw ({@link GapCause#CAPTURE_LOSS}), declared as soon as the ACK is seen;
 * (b) a buffer cap is hit ({@link GapCause#BUFFER_CAP}); (c) the snaplen cut a segment's tail
 * ({@link GapCause#TRUNCATION}); (d) the flow ends with holes open ({@link GapCause#FLOW_END}).
 *
 * <p><b>Memory.</b> Two of these exist per tracked connection, a million of them on a busy link,
 * nearly all in order. So a reassembler is 40 bytes: what every direction of the table shares
 * (listener, counters, budget, cap) is one {@link Shared} reference, and the out-of-order state
 * ({@link Held}: the segments, their charge, the budget list links) only exists while something
 * is buffered.
 */
final class TcpReassembler {
    /**
     * Largest believable distance from the delivery point to a segment or an ACK. Beyond it,
     * garbage, a stale ISN or a reused port would make us buffer for, or skip over, gigabytes.
     */
    static final int MAX_AHEAD = 1 << 30;
    /**
     * Charged per buffered segment on top of its payload, so that a flood of one-byte segments
     * reaches the caps roughly when memory would, not 50 times later.
     */
    static final int SEGMENT_OVERHEAD = 64;

    /** What every reassembler of one flow table uses; one reference instead of four fields each. */
    static final class Shared {
        final FlowListener listener;
        final FlowStats stats;
        final BufferBudget budget;
        final long maxBuffered;
        /**
         * The segment being processed was already counted as a duplicate (once per segment). The
         * table processes one segment at a time, so this per-segment scratch is shared too.
         */
        boolean duplicateCounted;

        Shared(FlowListener listener, FlowStats stats, BufferBudget budget, long maxBufferedPerDirection) {
            this.listener = listener;
            this.stats = stats;
            this.budget = budget;
            this.maxBuffered = maxBufferedPerDirection;
        }
    }

    /**
     * Out-of-order data of one direction: sorted, non-overlapping segments, every one starting
     * after nextSeq, the bytes charged for them, and the links in the budget's list of directions
     * holding data. Created with the first held segment, dropped with the last.
     */
    static final class Held {
        final TcpReassembler owner;
        Segment head;
        long buffered;
        Held budgetPrev, budgetNext;

        Held(TcpReassembler owner) { this.owner = owner; }
    }

    private final Flow flow;
    private final Shared shared;
    private final boolean fromClient;
    /** Null while nothing is buffered (the usual case). */
    private Held held;

    boolean initialized;
    boolean synSeen;
    int isn;
    /** First sequence number not yet delivered or skipped. */
    int nextSeq;
    boolean finSeen;
    /** Sequence number the FIN occupies (the first FIN seen wins). */
    int finSeq;

    TcpReassembler(Flow flow, boolean fromClient, Shared shared) {
        this.flow = flow;
        this.fromClient = fromClient;
        this.shared = shared;
    }

    /** The first held segment, or null. */
    private Segment head() {
        Held h = held;
        return h == null ? null : h.head;
    }

    /** The SYN occupies one sequence number: data starts at ISN+1. */
    void initSyn(int seq) {
        initialized = true;
        synSeen = true;
        isn = seq;
        nextSeq = seq + 1;
    }

    /** Picked up without the SYN: the stream starts where we first see it. */
    void initMidstream(int seq) {
        initialized = true;
        nextSeq = seq;
    }

    /** The FIN occupies the sequence number after the segment's data. */
    void onFin(int seq) {
        if (!finSeen) {
            finSeen = true;
            finSeq = seq;
        }
    }

    boolean hasBuffered() { return held != null; }

    /**
     * A segment of this direction: {@code len} captured bytes at {@code buf[off]} out of
     * {@code claimed} bytes of sequence space starting at {@code seq} (claimed > len when the
     * snaplen cut the frame). Requires {@link #initialized} and 0 ≤ len ≤ claimed.
     */
    void onSegment(int seq, byte[] buf, int off, int len, int claimed, long ts) {
        // A keep-alive probe re-sends the last acknowledged byte (or nothing) to poke the peer.
        FlowStats stats = shared.stats;
        BufferBudget budget = shared.budget;
        if (claimed <= 1 && seq == nextSeq - 1) {
            stats.inc(FlowCounter.KEEP_ALIVES);
            return;
        }
        if (claimed <= 0) return;
        shared.duplicateCounted = false;
        boolean capCounted = false;
        for (;;) {
            if (seq + claimed - nextSeq <= 0) {
                countDuplicate();
                return;
            }
            int behind = nextSeq - seq;
            if (behind > 0) {
                // A retransmission that also carries new bytes: drop the front we already have.
                countDuplicate();
                seq = nextSeq;
                claimed -= behind;
                int cut = Math.min(behind, len);
                off += cut;
                len -= cut;
            }
            if (seq == nextSeq) {
                deliverInOrder(seq, buf, off, len, claimed, ts);
                drain(ts);
                return;
            }
            if (seq - nextSeq >= MAX_AHEAD) {
                stats.inc(FlowCounter.OUT_OF_WINDOW_SEGMENTS);
                return;
            }
            long need = place(seq, buf, off, len, claimed, false);
            boolean overDirection = (held == null ? 0 : held.buffered) + need > shared.maxBuffered;
            boolean overTotal = budget.used + need > budget.max;
            if (!overDirection && !overTotal) {
                place(seq, buf, off, len, claimed, true);
                return;
            }
            if (!capCounted) {
                capCounted = true;
                if (overDirection) stats.inc(FlowCounter.CAP_HITS_PER_DIRECTION); else stats.inc(FlowCounter.CAP_HITS_TOTAL);
            }
            if (!overDirection) {
                budget.reclaim(need, this, ts);
                if (budget.used + need <= budget.max) continue;
            }
            // Make room in our own buffer in sequence order: skip the hole before the first held
            // segment and release what follows it; if this segment comes first, skip to it instead
            // and it becomes in order. Each round moves nextSeq forward, so the loop ends.
            Segment head = head();
            if (head != null && head.seq - seq < 0) {
                skipTo(head.seq, GapCause.BUFFER_CAP, ts);
                drain(ts);
            } else {
                skipTo(seq, GapCause.BUFFER_CAP, ts);
            }
        }
    }

    /**
     * The peer acknowledged everything before {@code ack}: data up to there crossed the wire, so
     * what we neither delivered nor hold was lost by the capture. Skip those holes now, so the
     * layer above resynchronises before it sees the peer's reply, and release what follows them.
     */
    void onAck(int ack, long ts) {
        if (!initialized) return;
        int limit = ack;
        if (finSeen && finSeq - limit < 0) limit = finSeq; // the FIN's sequence number is not data
        int ahead = limit - nextSeq;
        if (ahead <= 0) return;
        if (ahead >= MAX_AHEAD) {
            shared.stats.inc(FlowCounter.IMPLAUSIBLE_ACKS);
            return;
        }
        while (nextSeq - limit < 0) {
            Segment head = head();
            int target = head != null && head.seq - limit < 0 ? head.seq : limit;
            skipTo(target, GapCause.CAPTURE_LOSS, ts);
            drain(ts);
        }
    }

    /** Releases every held segment, declaring the holes before them as gaps of {@code cause}. */
    void flushBuffered(GapCause cause, long ts) {
        Segment head;
        while ((head = head()) != null) {
            skipTo(head.seq, cause, ts);
            drain(ts);
        }
    }

    /** The flow is ending: release held data, and declare data missing before a seen FIN. */
    void flushAtEnd(long ts) {
        flushBuffered(GapCause.FLOW_END, ts);
        if (finSeen) {
            int missing = finSeq - nextSeq;
            if (missing > 0 && missing < MAX_AHEAD) skipTo(finSeq, GapCause.FLOW_END, ts);
        }
    }

    // ---------------------------------------------------------------------------------------

    /**
     * Delivers a segment that starts at nextSeq. Held segments inside its range came first, so
     * they win: the new segment fills only the holes between them (zipper), straight from the
     * frame, while the held ones are delivered from the buffer.
     */
    private void deliverInOrder(int seq, byte[] buf, int off, int len, int claimed, long ts) {
        int dataEnd = seq + len, end = seq + claimed;
        boolean conflict = false;
        Segment head;
        while ((head = head()) != null && head.seq - end < 0) {
            Segment held = head;
            if (nextSeq - held.seq < 0) emitNew(seq, buf, off, dataEnd, held.seq, ts);
            int heldEnd = held.end();
            int overlapEnd = heldEnd - end < 0 ? heldEnd : end;
            countDuplicate();
            if (!conflict) conflict = differs(held, seq, buf, off, dataEnd, held.seq, overlapEnd);
            removeHead();
            emit(held, ts);
        }
        if (nextSeq - end < 0) emitNew(seq, buf, off, dataEnd, end, ts);
        if (conflict) shared.stats.inc(FlowCounter.OVERLAP_CONFLICTS);
    }

    /** Emits the new segment from nextSeq up to {@code to}: captured bytes, then the cut-off tail. */
    private void emitNew(int seq, byte[] buf, int off, int dataEnd, int to, long ts) {
        if (nextSeq - dataEnd < 0) {
            int stop = to - dataEnd < 0 ? to : dataEnd;
            emitData(buf, off + (nextSeq - seq), stop - nextSeq, ts);
        }
        if (nextSeq - to < 0) emitGap(to - nextSeq, GapCause.TRUNCATION, ts);
    }

    /**
     * Walks the held segments to find the pieces of [seq, seq+claimed) nobody holds yet. With
     * {@code apply == false} only returns what storing them would cost (so caps are checked before
     * anything is allocated); with {@code apply == true} copies them in and compares the
     * overlapped bytes with the first copy.
     */
    private long place(int seq, byte[] buf, int off, int len, int claimed, boolean apply) {
        int end = seq + claimed, dataEnd = seq + len;
        long charge = 0;
        boolean overlapped = false, conflict = false;
        Segment prev = null, cur = head();
        while (cur != null && cur.end() - seq <= 0) {
            prev = cur;
            cur = cur.next;
        }
        int pos = seq;
        while (pos - end < 0) {
            int free = cur == null || cur.seq - end >= 0 ? end : cur.seq;
            while (pos - free < 0) {
                // At most two pieces per hole: captured bytes, then the truncated tail as a marker.
                boolean data = pos - dataEnd < 0;
                int stop = data && dataEnd - free < 0 ? dataEnd : free;
                charge += SEGMENT_OVERHEAD + (data ? stop - pos : 0);
                if (apply) {
                    Segment s = data ? Segment.copyOf(pos, buf, off + (pos - seq), stop - pos)
                                     : Segment.gap(pos, stop - pos);
                    link(prev, s);
                    prev = s;
                }
                pos = stop;
            }
            if (cur == null || pos - end >= 0) break;
            int curEnd = cur.end();
            int overlapEnd = curEnd - end < 0 ? curEnd : end;
            overlapped = true;
            if (apply && !conflict) conflict = differs(cur, seq, buf, off, dataEnd, pos, overlapEnd);
            pos = overlapEnd;
            prev = cur;
            cur = cur.next;
        }
        if (apply) {
            if (overlapped) countDuplicate();
            if (conflict) shared.stats.inc(FlowCounter.OVERLAP_CONFLICTS);
            if (charge > 0) {
                shared.stats.inc(FlowCounter.OUT_OF_ORDER_SEGMENTS);
                shared.budget.charge(held, charge);
            }
        }
        return charge;
    }

    /** Whether captured bytes of the new segment in [from, to) differ from the held copy. */
    private static boolean differs(Segment held, int seq, byte[] buf, int off, int dataEnd, int from, int to) {
        if (held.data == null) return false;
        int stop = to - dataEnd < 0 ? to : dataEnd;
        for (int s = from; s - stop < 0; s++) {
            if (buf[off + (s - seq)] != held.data[held.off + (s - held.seq)]) return true;
        }
        return false;
    }

    /** Delivers held segments that have become contiguous with the delivery point. */
    private void drain(long ts) {
        Segment head;
        while ((head = head()) != null && head.seq - nextSeq <= 0) {
            Segment held = head;
            removeHead();
            int behind = nextSeq - held.seq;
            if (behind == 0) {
                emit(held, ts);
            } else if (behind < held.len) {
                // Not reachable while the buffer invariant holds; kept so a slip cannot repeat bytes.
                if (held.data == null) emitGap(held.len - behind, GapCause.TRUNCATION, ts);
                else emitData(held.data, held.off + behind, held.len - behind, ts);
            }
        }
    }

    private void emit(Segment held, long ts) {
        if (held.data == null) emitGap(held.len, GapCause.TRUNCATION, ts);
        else emitData(held.data, held.off, held.len, ts);
    }

    private void skipTo(int target, GapCause cause, long ts) {
        int n = target - nextSeq;
        if (n > 0) emitGap(n, cause, ts);
    }

    private void emitData(byte[] data, int off, int len, long ts) {
        if (len <= 0) return;
        nextSeq += len;
        if (fromClient) flow.clientPayloadBytes += len; else flow.serverPayloadBytes += len;
        shared.stats.add(FlowCounter.BYTES_DELIVERED, len);
        shared.listener.onData(flow, fromClient, data, off, len, ts);
    }

    private void emitGap(int n, GapCause cause, long ts) {
        nextSeq += n;
        if (fromClient) flow.clientGapBytes += n; else flow.serverGapBytes += n;
        shared.stats.gap(cause, n);
        shared.listener.onGap(flow, fromClient, n, ts);
    }

    private void countDuplicate() {
        if (!shared.duplicateCounted) {
            shared.duplicateCounted = true;
            shared.stats.inc(FlowCounter.DUPLICATE_SEGMENTS);
        }
    }

    private void link(Segment prev, Segment s) {
        if (prev == null) {
            if (held == null) held = new Held(this);
            s.next = held.head;
            held.head = s;
        } else {
            s.next = prev.next;
            prev.next = s;
        }
    }

    private void removeHead() {
        Held h = held;
        Segment s = h.head;
        h.head = s.next;
        s.next = null;
        shared.budget.release(h, s.charge());
        if (h.head == null) held = null; // the budget unlinked it: its charge is back to 0
    }

    /** A held piece of the stream: copied bytes, or (data == null) a known-lost truncated tail. */
    private static final class Segment {
        final int seq;
        final int len;
        final byte[] data;
        final int off;
        Segment next;

        private Segment(int seq, int len, byte[] data, int off) {
            this.seq = seq;
            this.len = len;
            this.data = data;
            this.off = off;
        }

        static Segment copyOf(int seq, byte[] buf, int off, int len) {
            byte[] copy = new byte[len];
            System.arraycopy(buf, off, copy, 0, len);
            return new Segment(seq, len, copy, 0);
        }

        static Segment gap(int seq, int len) { return new Segment(seq, len, null, 0); }

        int end() { return seq + len; }

        long charge() { return SEGMENT_OVERHEAD + (data == null ? 0 : len); }
    }
}
