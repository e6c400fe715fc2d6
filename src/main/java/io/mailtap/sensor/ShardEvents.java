package io.mailtap.sensor;

import io.mailtap.smtp.SmtpEvent;

/**
 * A chunk of one shard's output in a parallel replay: events (and flow-count changes) in the
 * shard's own order, each with the key a single pipeline orders that work by (see
 * {@link io.mailtap.flow.ShardOrder}), so {@link EventMerge} can interleave the shards exactly as
 * one pipeline would have. Keys compare as (frame, kind, a, b). Pre-allocated and recycled.
 */
final class ShardEvents {
    static final int CAPACITY = 256;
    /** Key kinds after the flow table's timer kinds ({@link io.mailtap.flow.ShardOrder#ACK_WAIT} …): */
    static final int PACKET = 4, FLUSH = 5;

    final SmtpEvent[] events = new SmtpEvent[CAPACITY];
    final long[] frame = new long[CAPACITY];
    final int[] kind = new int[CAPACITY];
    final long[] a = new long[CAPACITY];
    final long[] b = new long[CAPACITY];
    /** 0 for an event; +1 / -1 for a flow entering / leaving the shard's table (events[i] is null). */
    final byte[] flowDelta = new byte[CAPACITY];
    int size;
    /** Every later entry of this shard sorts at or after this key. */
    long wmFrame;
    int wmKind;
    long wmA, wmB;
    /** The shard's last chunk. */
    boolean last;

    boolean full() { return size == CAPACITY; }

    void add(SmtpEvent e, int delta, long f, int k, long ka, long kb) {
        int i = size++;
        events[i] = e;
        flowDelta[i] = (byte) delta;
        frame[i] = f;
        kind[i] = k;
        a[i] = ka;
        b[i] = kb;
    }

    void watermark(long f, int k, long ka, long kb) {
        wmFrame = f;
        wmKind = k;
        wmA = ka;
        wmB = kb;
    }

    void clear() {
        java.util.Arrays.fill(events, 0, size, null);
        size = 0;
        last = false;
    }

    /** Compares entry {@code i} of {@code x} with entry {@code j} of {@code y}. */
    static int compare(ShardEvents x, int i, ShardEvents y, int j) {
        return compare(x.frame[i], x.kind[i], x.a[i], x.b[i], y.frame[j], y.kind[j], y.a[j], y.b[j]);
    }

    static int compare(long f1, int k1, long a1, long b1, long f2, int k2, long a2, long b2) {
        if (f1 != f2) return Long.compare(f1, f2);
        if (k1 != k2) return Integer.compare(k1, k2);
        if (a1 != a2) return Long.compare(a1, a2);
        return Long.compare(b1, b2);
    }
}
