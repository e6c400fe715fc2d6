package io.mailtap.flow;

/**
 * The table-wide budget for out-of-order bytes (maxBufferedBytesTotal) and the list of directions
 * currently holding some, oldest holder first. When the budget runs out, the directions that have
 * held data longest are flushed first: their holes have had the most time to fill and are the
 * least likely to, and no flow can keep the budget to itself forever.
 */
final class BufferBudget {
    final long max;
    long used;
    /** Most bytes held at once. */
    long peak;
    private final FlowStats stats;
    private TcpReassembler.Held oldest, newest;

    BufferBudget(long max, FlowStats stats) {
        this.max = max;
        this.stats = stats;
    }

    void charge(TcpReassembler.Held r, long bytes) {
        if (r.buffered == 0) link(r);
        r.buffered += bytes;
        used += bytes;
        if (used > peak) peak = used;
        stats.add(FlowCounter.BUFFERED_BYTES_NOW, bytes);
    }

    void release(TcpReassembler.Held r, long bytes) {
        r.buffered -= bytes;
        used -= bytes;
        stats.add(FlowCounter.BUFFERED_BYTES_NOW, -(bytes));
        if (r.buffered == 0) unlink(r);
    }

    /** Flushes other directions, oldest holder first, until {@code need} more bytes fit. */
    void reclaim(long need, TcpReassembler except, long tsMicros) {
        TcpReassembler.Held r = oldest;
        while (r != null && used + need > max) {
            TcpReassembler.Held next = r.budgetNext;
            if (r.owner != except) r.owner.flushBuffered(GapCause.BUFFER_CAP, tsMicros);
            r = next;
        }
    }

    private void link(TcpReassembler.Held r) {
        r.budgetPrev = newest;
        r.budgetNext = null;
        if (newest != null) newest.budgetNext = r; else oldest = r;
        newest = r;
    }

    private void unlink(TcpReassembler.Held r) {
        if (r.budgetPrev != null) r.budgetPrev.budgetNext = r.budgetNext; else oldest = r.budgetNext;
        if (r.budgetNext != null) r.budgetNext.budgetPrev = r.budgetPrev; else newest = r.budgetPrev;
        r.budgetPrev = r.budgetNext = null;
    }
}
