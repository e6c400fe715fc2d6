package io.mailtap.decode;

/**
 * Counters of the decode stage. Written by one thread (the one that owns the decoder), read by
 * the metrics scrape without locks: values may be a moment stale, never torn on a 64-bit JVM.
 */
public final class DecodeStats {
    private final long[] skipped = new long[SkipReason.values().length];
    /** Frames handed to the decoder. */
    public long frames;
    /** Frame bytes on the wire (wire length, not captured length). */
    public long bytes;
    /** Frames decoded into a TCP packet view. */
    public long decodedTcp;
    /** Frames whose capture was shorter than the wire length (snaplen), decoded or not. */
    public long truncatedFrames;
    /**
     * Frames whose capture timestamp was beyond 2262-04-11T23:47:16.854775Z (or wrapped negative)
     * and was clamped to that instant; records stamped with it carry no real time.
     */
    public long timestampsClamped;

    public void skip(SkipReason reason) { skipped[reason.ordinal()]++; }

    public long skipped(SkipReason reason) { return skipped[reason.ordinal()]; }

    public long skippedTotal() {
        long t = 0;
        for (long s : skipped) t += s;
        return t;
    }

    /** Adds another stage's counters into this one (live mode sums the workers' stats). */
    public void addTo(DecodeStats sum) {
        sum.frames += frames; sum.bytes += bytes; sum.decodedTcp += decodedTcp;
        sum.truncatedFrames += truncatedFrames; sum.timestampsClamped += timestampsClamped;
        for (int i = 0; i < skipped.length; i++) sum.skipped[i] += skipped[i];
    }
}
