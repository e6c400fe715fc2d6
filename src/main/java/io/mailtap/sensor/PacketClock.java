package io.mailtap.sensor;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Each worker's packet time, published by that worker and read by the event agent (detection's
 * heartbeat) and metrics — so neither knows the other. One slot per worker, each on its own cache
 * lines (a worker publishes once per ring batch).
 */
final class PacketClock {
    static final long NONE = Long.MIN_VALUE;
    private static final int STRIDE = 16; // 128 bytes between slots: no false sharing between workers
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] slots;
    private final int workers;

    PacketClock(int workers) {
        this.workers = workers;
        this.slots = new long[(workers + 1) * STRIDE];
        for (int i = 0; i < workers; i++) SLOT.setRelease(slots, (i + 1) * STRIDE, NONE);
    }

    int workers() { return workers; }

    /** Worker {@code worker}'s packet time is now {@code micros}. That worker's thread only. */
    void publish(int worker, long micros) {
        SLOT.setRelease(slots, (worker + 1) * STRIDE, micros);
    }

    long of(int worker) {
        return (long) SLOT.getAcquire(slots, (worker + 1) * STRIDE);
    }

    /**
     * The smallest packet time among workers that have one, {@link #NONE} if none has: detection
     * moved to it never runs ahead of events a slower worker still has to deliver.
     */
    long slowest() {
        long min = Long.MAX_VALUE;
        for (int i = 0; i < workers; i++) {
            long t = of(i);
            if (t != NONE && t < min) min = t;
        }
        return min == Long.MAX_VALUE ? NONE : min;
    }
}
