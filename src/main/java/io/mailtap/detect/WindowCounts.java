package io.mailtap.detect;

/**
 * Sliding-window event counts for one key with fixed memory: the window is cut into
 * {@value #BUCKETS} buckets of {@code window / BUCKETS} packet time, and a sum covers the current
 * bucket and the ones before it that are still wholly inside the window. So a count never includes
 * an event older than the window, and includes every event of the last 95% of it; the window slides
 * in steps of 1/{@value #BUCKETS} of its length. Several series (e.g. "null senders" and "all MAIL
 * FROMs") share the buckets.
 */
final class WindowCounts {
    static final int BUCKETS = 20;

    private final long bucketMicros;
    private final int series;
    private final long[] epochs = new long[BUCKETS];
    private final int[] counts;

    WindowCounts(long windowMicros, int series) {
        this.bucketMicros = Math.max(1, windowMicros / BUCKETS);
        this.series = series;
        this.counts = new int[BUCKETS * series];
        java.util.Arrays.fill(epochs, Long.MIN_VALUE);
    }

    /** Adds {@code n} events of {@code s} at packet time {@code ts}; events too old for any live bucket are ignored. */
    void add(long ts, int s, int n) {
        long idx = Math.floorDiv(ts, bucketMicros);
        int slot = (int) Math.floorMod(idx, (long) BUCKETS);
        if (epochs[slot] != idx) {
            if (epochs[slot] != Long.MIN_VALUE && epochs[slot] > idx) return; // older than the window
            epochs[slot] = idx;
            for (int i = 0; i < series; i++) counts[slot * series + i] = 0;
        }
        int at = slot * series + s;
        counts[at] = (int) Math.min(Integer.MAX_VALUE, (long) counts[at] + n);
    }

    /** Events of series {@code s} in the window ending at packet time {@code now}. */
    long sum(long now, int s) {
        long cur = Math.floorDiv(now, bucketMicros);
        long total = 0;
        for (int slot = 0; slot < BUCKETS; slot++) {
            long e = epochs[slot];
            if (e != Long.MIN_VALUE && e <= cur && e > cur - BUCKETS) total += counts[slot * series + s];
        }
        return total;
    }
}
