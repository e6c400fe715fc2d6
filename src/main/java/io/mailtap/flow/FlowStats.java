package io.mailtap.flow;

/**
 * Counters of the flow stage, one slot per {@link FlowCounter} (an array store on the packet path,
 * no lookup; what each counts and which limit it reports is documented there). Written only by the
 * thread that owns the {@link FlowTable}, read by the metrics scrape without locks: values may be a
 * moment stale, never torn on a 64-bit JVM.
 */
public final class FlowStats {
    private static final int N = FlowCounter.values().length;
    private final long[] counts = new long[N];
    private final long[] ended = new long[EndReason.values().length];
    private final long[] gaps = new long[GapCause.values().length];
    private final long[] gapBytes = new long[GapCause.values().length];

    public void inc(FlowCounter c) { counts[c.ordinal()]++; }

    public void add(FlowCounter c, long n) { counts[c.ordinal()] += n; }

    /** Raises a high-water mark ({@link FlowCounter#ACTIVE_PEAK}). */
    void max(FlowCounter c, long value) {
        if (value > counts[c.ordinal()]) counts[c.ordinal()] = value;
    }

    public long get(FlowCounter c) { return counts[c.ordinal()]; }

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
    public long active() { return get(FlowCounter.FLOWS_CREATED) - endedTotal(); }

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

    /** Adds this stage's counters into {@code sum} (live mode sums the workers' stats; peaks add up to an upper bound). */
    public void addTo(FlowStats sum) {
        for (int i = 0; i < N; i++) sum.counts[i] += counts[i];
        for (int i = 0; i < ended.length; i++) sum.ended[i] += ended[i];
        for (int i = 0; i < gaps.length; i++) {
            sum.gaps[i] += gaps[i];
            sum.gapBytes[i] += gapBytes[i];
        }
    }
}
