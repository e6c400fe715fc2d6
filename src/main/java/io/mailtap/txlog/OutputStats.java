package io.mailtap.txlog;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Write counters of one {@link Output}. They outlive the file they count: a reload that reopens
 * alerts.jsonl keeps counting into the same object, so the exported counters never go back.
 * Written by the output's writer thread(s), read at scrape time.
 */
public final class OutputStats {
    /** Records that reached the file whole. */
    public final AtomicLong written = new AtomicLong();
    /** Records that never reached the file (the outage outlasted the buffer, or the sensor stopped during it). */
    public final AtomicLong lost = new AtomicLong();
    /** Failed writes (each failed attempt counts; one outage is usually several). */
    public final AtomicLong writeErrors = new AtomicLong();
    /** Times the file was reopened by its path after a rotation signal. */
    public final AtomicLong reopens = new AtomicLong();
    /** Reopens that failed (each retry counts); the records kept going to the file open before. */
    public final AtomicLong reopenErrors = new AtomicLong();
    private volatile String failing;

    /** Why the output cannot be written now (e.g. "No space left on device"), or null while it is writing. */
    public String failing() { return failing; }

    void failing(String why) { this.failing = why; }
}
