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
 * Delivered bytes the receiver has not acknowledged yet are kept ({@link Unacked}, pooled, up
 * to {@link UnackedPool#BUFFER_BYTES} per direction) so a re-send of them is compared too; when it
 * differs where the receiver, answering after the first copy, did not acknowledge it, the receiver
 * did not take that copy (TCP insertion) and the re-sent one replaces it
 * ({@link FlowListener#onReplaced}, {@link FlowStats#overlapsReplaced}). Either way the conflict
 * is counted on the flow ({@link Flow#overlapConflicts()}).
 *
 * <p><b>Gaps</b>, each declared exactly once with delivery resuming after it: (a) the peer ACKs
 * data we never saw ({@link GapCause#CAPTURE_LOSS}). A mirror port can deliver an ACK before the
 * data it acknowledges, so an ACK into a hole with nothing of the direction seen beyond it opens a
 * <i>wait</i> ({@link AckWaits}) instead: the gap is declared only when the wait expires (packet
 * time or acknowledged bytes beyond their bounds), when the acknowledging side sends data of its
 * own (the layer above must see the hole before the reply to what fell in it), or when later data
 * of this direction arrives first (the hole was lost, not delayed);
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
        final AckWaits ackWaits;
        final UnackedPool unacked;
        final long maxBuffered;
        /**
         * The segment being processed was already counted as a duplicate (once per segment). The
         * table processes one segment at a time, so this per-segment scratch is shared too.
         */
        boolean duplicateCounted;

        Shared(FlowListener listener, FlowStats stats, BufferBudget budget, AckWaits ackWaits,
               long maxBufferedPerDirection, int overlapCheckBuffers) {
            this.listener = listener;
            this.stats = stats;
            this.budget = budget;
            this.ackWaits = ackWaits;
            this.unacked = new UnackedPool(stats, overlapCheckBuffers);
            this.maxBuffered = maxBufferedPerDirection;
        }
    }

    /**
     * Out-of-order data of one direction: sorted, non-overlapping segments, every one starting
     * after nextSeq, the bytes charged for them, and the links in the budget's list of directions
     * holding data; and the wait for acknowledged bytes not yet seen ({@link AckWaits}). Created
     * with the first held segment or wait, dropped when neither is left.
     */
    static final class Held {
        final TcpReassembler owner;
        Segment head;
        long buffered;
        Held budgetPrev, budgetNext;
        /** The peer acknowledged up to {@link #ackLimit}, beyond nextSeq; nothing is held meanwhile. */
        boolean waiting;
        int ackLimit;
        long waitSince;
        /** The frame the wait began at: its place in the wait list, for {@link ShardOrder}. */
        long waitFrame;
        Held waitPrev, waitNext;

        Held(TcpReassembler owner) { this.owner = owner; }
    }

    private final Flow flow;
    private final Shared shared;
    private final boolean fromClient;
    /** Null while nothing is buffered (the usual case). */
    private Held held;
    /** Null until the peer acknowledged something of this direction. */
    private Unacked unacked;

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
            Unacked u = unacked;
            if (u != null && u.len > 0 && seq - nextSeq < 0 && replacedByResend(u, seq, buf, off, len, ts)) continue;
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
            Held w = held;
            if (w != null && w.waiting) {
                // The sender's later bytes arrived before the awaited ones: those were lost, not
                // delayed. Declare them (up to this segment, within what the peer acknowledged)
                // and keep waiting for any acknowledged bytes still beyond it.
                stats.inc(FlowCounter.ACK_WAITS_EXPIRED);
                skipTo(seq - w.ackLimit < 0 ? seq : w.ackLimit, GapCause.CAPTURE_LOSS, ts);
                continue;
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
        trackReceiverAck(ack);
        int limit = ack;
        if (finSeen && finSeq - limit < 0) limit = finSeq; // the FIN's sequence number is not data
        int ahead = limit - nextSeq;
        if (ahead <= 0) return;
        if (ahead >= MAX_AHEAD) {
            shared.stats.inc(FlowCounter.IMPLAUSIBLE_ACKS);
            return;
        }
        AckWaits waits = shared.ackWaits;
        Held h = held;
        if (h != null && h.waiting) {
            if (limit - h.ackLimit > 0) h.ackLimit = limit;
            if (ahead > waits.maxBytes) expireWait(ts);
            return;
        }
        if (waits.enabled() && ahead <= waits.maxBytes && head() == null && !(finSeen && finSeq - nextSeq > 0)) {
            // Nothing of this direction beyond the hole was seen: the acknowledged bytes may
            // still be on their way to the capture. Wait for them.
            if (h == null) h = held = new Held(this);
            h.waiting = true;
            h.ackLimit = limit;
            waits.add(h);
            shared.stats.inc(FlowCounter.ACK_WAITS);
            return;
        }
        skipAcked(limit, ts);
    }

    /** Whether acknowledged bytes of this direction are awaited ({@link AckWaits}). */
    boolean awaitingAckedData() {
        Held h = held;
        return h != null && h.waiting;
    }

    /**
     * The wait for acknowledged bytes is over without them: they crossed the wire but not the
     * capture. Declares the gap up to what the peer acknowledged.
     */
    void expireWait(long ts) {
        Held h = held;
        if (h == null || !h.waiting) return;
        int limit = h.ackLimit;
        shared.stats.inc(FlowCounter.ACK_WAITS_EXPIRED);
        endWait(h);
        skipAcked(limit, ts);
    }

    private void endWait(Held h) {
        h.waiting = false;
        shared.ackWaits.remove(h);
        if (h.head == null) held = null;
    }

    /** Skips the holes before {@code limit} as capture loss, delivering held data between them. */
    private void skipAcked(int limit, long ts) {
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
        expireWait(ts);
        flushBuffered(GapCause.FLOW_END, ts);
        if (finSeen) {
            int missing = finSeq - nextSeq;
            if (missing > 0 && missing < MAX_AHEAD) skipTo(finSeq, GapCause.FLOW_END, ts);
        }
        Unacked u = unacked;
        if (u != null) {
            shared.unacked.release(u);
            unacked = null;
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
        if (conflict) conflict();
    }

    private void conflict() {
        shared.stats.inc(FlowCounter.OVERLAP_CONFLICTS);
        if (flow.overlapConflicts < Integer.MAX_VALUE) flow.overlapConflicts++;
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
            if (conflict) conflict();
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
        Unacked u = unacked;
        if (u != null) keep(u, data, off, len);
        nextSeq += len;
        if (held != null) waitFilled();
        if (fromClient) flow.clientPayloadBytes += len; else flow.serverPayloadBytes += len;
        shared.stats.add(FlowCounter.BYTES_DELIVERED, len);
        shared.listener.onData(flow, fromClient, data, off, len, ts);
    }

    private void emitGap(int n, GapCause cause, long ts) {
        nextSeq += n;
        if (held != null) waitFilled();
        if (fromClient) flow.clientGapBytes += n; else flow.serverGapBytes += n;
        shared.stats.gap(cause, n);
        shared.listener.onGap(flow, fromClient, n, ts);
    }

    // --- delivered bytes the receiver has not acknowledged -------------------------------------

    /** The peer acknowledged up to {@code ack}: from now on delivered bytes are kept until it does. */
    private void trackReceiverAck(int ack) {
        Unacked u = unacked;
        if (u == null) {
            u = unacked = new Unacked();
            u.ack = ack;
        } else if (ack - u.ack > 0) {
            u.ack = ack;
        }
        if (u.len == 0) return;
        int drop = u.ack - u.base;
        if (drop >= u.len) {
            shared.unacked.release(u);
            return;
        }
        if (drop > 0) {
            System.arraycopy(u.buf, drop, u.buf, 0, u.len - drop);
            u.base += drop;
            u.len -= drop;
        }
    }

    /**
     * The peer sent data of its own acknowledging {@code ack}: it answered after every byte kept
     * so far was delivered, yet did not take those from {@code ack} on. A pure ACK proves less (it
     * may simply be older than the data in flight), so only an answer counts as this evidence.
     */
    void onAnswer(int ack) {
        Unacked u = unacked;
        if (u != null && u.len > 0 && ack - (u.base + u.len) < 0) u.ackedShort = true;
    }

    /** Keeps a copy of bytes about to be delivered at nextSeq that the receiver has not acknowledged. */
    private void keep(Unacked u, byte[] data, int off, int len) {
        int start = nextSeq;
        int acked = u.ack - start;
        if (acked >= len) return;
        if (acked > 0) {
            off += acked;
            len -= acked;
            start += acked;
        }
        if (u.len == 0) {
            if (u.buf == null && !shared.unacked.take(u)) return;
            u.base = start;
            u.ackedShort = false;
        } else if (u.base + u.len != start) {
            return; // after a gap or a full buffer: only the contiguous run from the ACK is kept
        }
        int n = Math.min(len, u.buf.length - u.len);
        if (n <= 0) return;
        System.arraycopy(data, off, u.buf, u.len, n);
        u.len += n;
        u.ackedShort = false; // evidence must come after the latest bytes kept
    }

    /**
     * A segment re-sends bytes already delivered. If its captured bytes differ from the kept copy,
     * the two copies conflict (counted, and flagged on the flow). When the first difference lies
     * where the receiver had not acknowledged the first copy although it answered after it, the
     * receiver did not take that copy (a TCP insertion: bad checksum, short TTL, outside its window)
     * and this one replaces it: delivery steps back to the difference, the listener is told
     * ({@link FlowListener#onReplaced}) and the caller delivers the new copy from there. Returns
     * true when delivery stepped back.
     */
    private boolean replacedByResend(Unacked u, int seq, byte[] buf, int off, int len, long ts) {
        int from = seq - u.base < 0 ? u.base : seq;
        int to = seq + len;
        int keptEnd = u.base + u.len;
        if (keptEnd - to < 0) to = keptEnd;
        if (nextSeq - to < 0) to = nextSeq;
        int diff = 0;
        boolean found = false;
        for (int s = from; s - to < 0; s++) {
            if (buf[off + (s - seq)] != u.buf[s - u.base]) {
                diff = s;
                found = true;
                break;
            }
        }
        if (!found) return false;
        conflict();
        if (!u.ackedShort || diff - u.ack < 0) return false; // the receiver took the first copy: it stays
        // Only bytes that were all delivered as data, kept up to the delivery point, are given back.
        if (keptEnd != nextSeq) return false;
        int replaced = nextSeq - diff;
        nextSeq = diff;
        u.len = diff - u.base;
        if (fromClient) flow.clientPayloadBytes -= replaced; else flow.serverPayloadBytes -= replaced;
        shared.stats.add(FlowCounter.BYTES_DELIVERED, -(replaced));
        shared.stats.inc(FlowCounter.OVERLAPS_REPLACED);
        shared.stats.add(FlowCounter.BYTES_REPLACED, replaced);
        shared.listener.onReplaced(flow, fromClient, replaced, ts);
        return true;
    }

    /**
     * Delivered bytes of one direction the receiver has not acknowledged yet, from {@link #ack}
     * on, so that a later copy of them can be compared (kept only while the peer's ACKs are seen;
     * the buffer comes from and returns to {@link UnackedPool}).
     */
    static final class Unacked {
        byte[] buf;
        int base;
        int len;
        int ack;
        /** The peer answered (sent data) with an ACK below the kept end after they were delivered. */
        boolean ackedShort;
    }

    /** Ends the wait once delivery has reached what the peer acknowledged. */
    private void waitFilled() {
        Held h = held;
        if (h.waiting && nextSeq - h.ackLimit >= 0) endWait(h);
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
        if (h.head == null && !h.waiting) held = null; // the budget unlinked it: its charge is back to 0
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
