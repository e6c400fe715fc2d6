package io.mailtap.detect;

/**
 * Counts distinct values (held as 64-bit hashes, never as text) seen within a sliding window, up
 * to a cap. With {@code cap = limit + 1} the answer to "more than {@code limit} distinct values in
 * the window?" is exact: the most recent {@code cap} distinct values are kept, so if that many were
 * seen inside the window they are all still here. Memory is {@code 16 * cap} bytes per key.
 */
final class DistinctWindow {
    private final long windowMicros;
    private final long[] hashes;
    private final long[] seen;
    private int size;

    DistinctWindow(long windowMicros, int cap) {
        this.windowMicros = windowMicros;
        this.hashes = new long[Math.max(1, cap)];
        this.seen = new long[hashes.length];
    }

    void add(long hash, long ts) {
        expire(ts);
        for (int i = 0; i < size; i++) {
            if (hashes[i] == hash) {
                if (ts > seen[i]) seen[i] = ts;
                return;
            }
        }
        if (size < hashes.length) {
            hashes[size] = hash;
            seen[size] = ts;
            size++;
            return;
        }
        int oldest = 0;
        for (int i = 1; i < size; i++) if (seen[i] < seen[oldest]) oldest = i;
        hashes[oldest] = hash;
        seen[oldest] = ts;
    }

    /** Distinct values seen in the window ending at {@code now} (at most the cap). */
    int count(long now) {
        expire(now);
        return size;
    }

    private void expire(long now) {
        long horizon = now - windowMicros;
        for (int i = 0; i < size; ) {
            if (seen[i] <= horizon) {
                size--;
                hashes[i] = hashes[size];
                seen[i] = seen[size];
            } else {
                i++;
            }
        }
    }
}
