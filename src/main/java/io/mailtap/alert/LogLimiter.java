package io.mailtap.alert;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * At most one log line per interval for one kind of message (a dead Alertmanager or a full queue
 * must not turn the log into a flood). Thread-safe and lock-free: the publishing thread and the
 * delivery thread may both ask.
 */
final class LogLimiter {
    private final long intervalNanos;
    private final AtomicLong nextAllowed;
    private final AtomicLong suppressed = new AtomicLong();

    LogLimiter(Duration interval) {
        this.intervalNanos = interval.toNanos();
        this.nextAllowed = new AtomicLong(System.nanoTime());
    }

    /**
     * Whether to log now. Returns -1 when the line must be skipped (it is counted), otherwise the
     * number of lines skipped since the last one that was logged (to say so in the message).
     */
    long acquire() {
        long now = System.nanoTime();
        long next = nextAllowed.get();
        if (now - next < 0 || !nextAllowed.compareAndSet(next, now + intervalNanos)) {
            suppressed.incrementAndGet();
            return -1;
        }
        return suppressed.getAndSet(0);
    }

    /** " (N similar suppressed)" or "" — the tail of a rate-limited log line. */
    static String suppressedNote(long n) {
        return n > 0 ? " (" + n + " similar message(s) suppressed)" : "";
    }
}
