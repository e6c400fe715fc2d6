package io.mailtap.sensor;

import java.util.concurrent.locks.LockSupport;

/** What an {@link Agent} does between two calls that found no work (Agrona's {@code IdleStrategy}). */
interface IdleStrategy {
    /** @param workCount what the last {@link Agent#doWork()} did; 0 means idle */
    void idle(int workCount);

    /** The agent waits inside doWork itself (a blocking read, a timed poll): nothing to add. */
    IdleStrategy NONE = workCount -> {};

    /** Sleeps {@code nanos} after an idle call: periodic agents (health, stats). */
    static IdleStrategy sleeping(long nanos) {
        return workCount -> {
            if (workCount <= 0) LockSupport.parkNanos(nanos);
        };
    }
}
