package io.mailtap.flow;

/**
 * The directions of one flow table that are waiting for data their peer has already acknowledged,
 * oldest wait first. A mirror port can put an ACK a few microseconds before the segments it
 * acknowledges (the two directions reach the capture by different paths); declaring the
 * acknowledged bytes lost at the ACK would throw away data that is in the capture. So the hole is
 * held open for {@code waitMicros} of packet time and {@code maxBytes} of sequence space; past
 * either bound it is a gap ({@link GapCause#CAPTURE_LOSS}).
 *
 * <p>Packet time never runs backwards in the table, so the list is sorted by the start of each
 * wait and expiry only looks at the oldest. The table checks {@link #deadline} once per packet.
 */
final class AckWaits {
    /** How long (packet time) acknowledged bytes are awaited; 0 declares the gap at the ACK. */
    final long waitMicros;
    /** Acknowledged-but-unseen bytes beyond which the wait is not worth it (a loss, not a reorder). */
    final long maxBytes;
    /** The table's packet clock, so waits start in the order the list keeps. */
    long now = Long.MIN_VALUE;
    /** Packet time at which the oldest wait expires; Long.MAX_VALUE when none is open. */
    long deadline = Long.MAX_VALUE;
    /** The table's frame index ({@link FlowTable#frame}) and merge-order observer (null but in a shard). */
    long frame;
    ShardOrder order;
    private TcpReassembler.Held oldest, newest;

    AckWaits(long waitMicros, long maxBytes) {
        this.waitMicros = Math.max(0, waitMicros);
        this.maxBytes = Math.max(0, maxBytes);
    }

    boolean enabled() { return waitMicros > 0 && maxBytes > 0; }

    void add(TcpReassembler.Held h) {
        h.waitSince = now;
        h.waitFrame = frame;
        h.waitPrev = newest;
        h.waitNext = null;
        if (newest != null) newest.waitNext = h; else oldest = h;
        newest = h;
        updateDeadline();
    }

    void remove(TcpReassembler.Held h) {
        if (h.waitPrev != null) h.waitPrev.waitNext = h.waitNext; else oldest = h.waitNext;
        if (h.waitNext != null) h.waitNext.waitPrev = h.waitPrev; else newest = h.waitPrev;
        h.waitPrev = h.waitNext = null;
        updateDeadline();
    }

    /** Declares the gaps of every wait older than {@link #waitMicros} at packet time {@code now}. */
    void expireDue(long nowMicros) {
        TcpReassembler.Held h;
        while ((h = oldest) != null && nowMicros - h.waitSince >= waitMicros) {
            if (order != null) order.timer(ShardOrder.ACK_WAIT, h.waitFrame);
            h.owner.expireWait(nowMicros); // removes h
        }
    }

    private void updateDeadline() {
        deadline = oldest == null ? Long.MAX_VALUE : LruList.saturatedAdd(oldest.waitSince, waitMicros);
    }
}
