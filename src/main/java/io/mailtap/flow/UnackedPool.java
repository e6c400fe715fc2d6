package io.mailtap.flow;

/**
 * Buffers for the delivered-but-unacknowledged bytes each direction keeps so that a conflicting
 * re-send can be told from a retransmission ({@link TcpReassembler}). A direction takes one when
 * it delivers bytes the receiver has not acknowledged and gives it back as soon as they are, so
 * only directions with data in flight hold one; the pool never allocates in steady state. Bounded:
 * when {@link #maxBuffers} are out, further directions keep nothing (counted in
 * {@link FlowStats#unackedNotKept}) and cannot resolve an insertion.
 */
final class UnackedPool {
    /** Bytes kept per direction from the receiver's ACK on; covers a full 64 KiB window's first part. */
    static final int BUFFER_BYTES = 8 * 1024;
    private final FlowStats stats;
    /** Buffers out at once per flow table ({@code flow.max_overlap_check_buffers}). */
    private final int maxBuffers;
    private final byte[][] free;
    private int freeCount;
    private int out;
    private int peak;

    UnackedPool(FlowStats stats, int maxBuffers) {
        this.stats = stats;
        this.maxBuffers = maxBuffers;
        this.free = new byte[maxBuffers][];
    }

    boolean take(TcpReassembler.Unacked u) {
        if (freeCount > 0) {
            u.buf = free[--freeCount];
            free[freeCount] = null;
        } else if (out < maxBuffers) {
            u.buf = new byte[BUFFER_BYTES];
        } else {
            stats.inc(FlowCounter.UNACKED_NOT_KEPT);
            return false;
        }
        if (++out > peak) peak = out;
        return true;
    }

    /** Most buffers out at once. */
    int peak() { return peak; }

    void release(TcpReassembler.Unacked u) {
        u.len = 0;
        u.ackedShort = false;
        if (u.buf == null) return;
        free[freeCount++] = u.buf;
        u.buf = null;
        out--;
    }
}
