package io.mailtap.decode;

/**
 * Counters of the decode stage, one slot per {@link DecodeCounter} (an array store on the packet
 * path, no lookup). Written by one thread (the one that owns the decoder), read by the metrics
 * scrape without locks: values may be a moment stale, never torn on a 64-bit JVM.
 */
public final class DecodeStats {
    private static final int N = DecodeCounter.values().length;
    private final long[] counts = new long[N];
    private final long[] skipped = new long[SkipReason.values().length];

    public void inc(DecodeCounter c) { counts[c.ordinal()]++; }

    public void add(DecodeCounter c, long n) { counts[c.ordinal()] += n; }

    public long get(DecodeCounter c) { return counts[c.ordinal()]; }

    public void skip(SkipReason reason) { skipped[reason.ordinal()]++; }

    public long skipped(SkipReason reason) { return skipped[reason.ordinal()]; }

    public long skippedTotal() {
        long t = 0;
        for (long s : skipped) t += s;
        return t;
    }

    /** Adds another stage's counters into this one (live mode sums the workers' stats). */
    public void addTo(DecodeStats sum) {
        for (int i = 0; i < N; i++) sum.counts[i] += counts[i];
        for (int i = 0; i < skipped.length; i++) sum.skipped[i] += skipped[i];
    }
}
