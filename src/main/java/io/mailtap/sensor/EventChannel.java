package io.mailtap.sensor;

import io.mailtap.smtp.SmtpEvent;
import io.mailtap.smtp.SmtpEventListener;

import java.util.Arrays;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one hand-off of SMTP events from the packet threads (a replay's reader, the live workers) to
 * the event thread ({@link EventConsumers}): bounded, batching, with back-pressure.
 *
 * <ul>
 *   <li><b>Batching.</b> Each producer ({@link #producer()}) gathers events in its own pre-allocated
 *   batch and publishes it under one lock acquisition when the batch is full or the producer
 *   {@link Producer#flush() flushes} (a live worker after every ring batch, Disruptor's
 *   {@code endOfBatch}); the consumer takes everything waiting in one go. No allocation per event
 *   or batch.</li>
 *   <li><b>Back-pressure.</b> When the channel is full a producer waits for room (10 ms steps) and
 *   never drops: a replay must give the same answer as a single thread, and a live worker that waits
 *   lets its ring fill, so packets drop at the ring, the sensor's one drop point, counted. Each
 *   publish that had to wait is counted ({@link #waits()}).</li>
 *   <li><b>Losses.</b> Only when the consumer has failed or ended are events discarded (at once,
 *   never waiting), and counted ({@link #lost()}); a replay then stops with {@link #check()}'s
 *   reason.</li>
 * </ul>
 * The channel ends when every producer has closed and the consumer has taken every event.
 */
final class EventChannel {
    static final int BATCH = 256;
    private static final long WAIT_STEP_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final SmtpEvent[] slots;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private int head;          // guarded by lock: next slot the consumer takes
    private int count;         // guarded by lock
    private int openProducers; // guarded by lock
    private volatile int size; // count, for the depth gauge and the shedder (racy reads)
    private volatile boolean consumerGone;
    private volatile Throwable failure;
    private final CopyOnWriteArrayList<Producer> producers = new CopyOnWriteArrayList<>();

    /** @param capacity events the channel holds ({@code capture.event_queue_size} live) */
    EventChannel(int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("capacity must be positive: " + capacity);
        slots = new SmtpEvent[capacity];
    }

    int capacity() { return slots.length; }

    /** Events waiting now (racy). */
    int size() { return size; }

    /** Room left (racy): what {@link FlowShedder} judges pressure by. */
    int remainingCapacity() { return slots.length - size; }

    /** A new producer, for one thread; {@link Producer#close()} it when that thread has published its last event. */
    Producer producer() {
        lock.lock();
        try {
            openProducers++;
        } finally {
            lock.unlock();
        }
        Producer p = new Producer();
        producers.add(p);
        return p;
    }

    /** One packet thread's side: batches events, publishes them with back-pressure. Single-threaded. */
    final class Producer implements SmtpEventListener, AutoCloseable {
        private final SmtpEvent[] batch = new SmtpEvent[BATCH];
        private int n;
        private boolean closed;
        // written by the producer thread only, read racily by metrics
        private volatile long waits;
        private volatile long lost;

        @Override
        public void onEvent(SmtpEvent event) {
            if (consumerGone) { // discarded at once: the consumer failed or ended; see the class comment
                lost++;
                return;
            }
            batch[n++] = event;
            if (n == BATCH) flush();
        }

        /** Publishes what is batched (waiting for room if need be). */
        void flush() {
            if (n == 0) return;
            publish(this, batch, n);
            Arrays.fill(batch, 0, n, null); // the consumer holds its own references now
            n = 0;
        }

        /** Publishes what is left and tells the consumer this producer is done. Idempotent. */
        @Override
        public void close() {
            if (closed) return;
            closed = true;
            flush();
            lock.lock();
            try {
                openProducers--;
                notEmpty.signal();
            } finally {
                lock.unlock();
            }
        }

        /** Events batched here, not yet in the channel. */
        int pending() { return n; }

        /** Publishes that had to wait for room. */
        long waits() { return waits; }

        /** Events discarded because the consumer was gone. */
        long lost() { return lost; }
    }

    private void publish(Producer p, SmtpEvent[] from, int n) {
        int i = 0;
        boolean waited = false;
        lock.lock();
        try {
            while (i < n) {
                if (consumerGone) {
                    p.lost += n - i;
                    return;
                }
                int room = slots.length - count;
                if (room == 0) {
                    if (!waited) {
                        waited = true;
                        p.waits++;
                    }
                    try {
                        notFull.awaitNanos(WAIT_STEP_NANOS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        p.lost += n - i;
                        return;
                    }
                    continue;
                }
                int k = Math.min(room, n - i);
                int tail = head + count;
                for (int j = 0; j < k; j++) {
                    int s = tail + j;
                    slots[s >= slots.length ? s - slots.length : s] = from[i + j];
                }
                i += k;
                count += k;
                size = count;
                notEmpty.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Consumer: hands every waiting event (up to {@code into.length}) to {@code to}, waiting up to
     * {@code timeoutNanos} for the first.
     *
     * @return events handed over; 0 on timeout; -1 once every producer has closed and nothing is left
     */
    int drain(SmtpEventListener to, SmtpEvent[] into, long timeoutNanos) throws InterruptedException {
        int k;
        lock.lock();
        try {
            if (count == 0) {
                if (openProducers == 0) return -1;
                notEmpty.awaitNanos(timeoutNanos);
                if (count == 0) return openProducers == 0 ? -1 : 0;
            }
            k = Math.min(count, into.length);
            for (int j = 0; j < k; j++) {
                int s = head + j;
                if (s >= slots.length) s -= slots.length;
                into[j] = slots[s];
                slots[s] = null;
            }
            head += k;
            if (head >= slots.length) head -= slots.length;
            count -= k;
            size = count;
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
        int j = 0;
        try {
            for (; j < k; j++) to.onEvent(into[j]);
        } finally {
            Arrays.fill(into, 0, k, null);
            if (j < k - 1) { // the consumer threw: the rest of the batch is never delivered
                lock.lock();
                try {
                    droppedAtEnd += k - j - 1;
                } finally {
                    lock.unlock();
                }
            }
        }
        return k;
    }

    /**
     * Consumer: it failed ({@code why}, or null: it ended). What waits is dropped, waiting producers
     * go on at once, and from now on every event is discarded and counted as lost.
     */
    void consumerGone(Throwable why) {
        if (why != null && failure == null) failure = why;
        consumerGone = true;
        lock.lock();
        try {
            for (int j = 0; j < count; j++) {
                int s = head + j;
                slots[s >= slots.length ? s - slots.length : s] = null;
            }
            // what was queued but never consumed is lost too; charged to no producer, counted here
            droppedAtEnd += count;
            head = 0;
            count = 0;
            size = 0;
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private long droppedAtEnd; // guarded by lock

    /** The consumer failed or ended: events are no longer delivered. */
    boolean failed() { return consumerGone; }

    /** The consumer failed; the message is its reason (e.g. "cannot write out/smtp.jsonl: No space left on device"). */
    static final class ConsumerFailed extends RuntimeException {
        ConsumerFailed(Throwable cause) {
            super(cause == null ? "the event consumer stopped" : String.valueOf(cause.getMessage()), cause);
        }
    }

    /** Throws {@link ConsumerFailed} if the consumer failed. */
    void check() {
        if (consumerGone && failure != null) throw new ConsumerFailed(failure);
    }

    /** Publishes that had to wait for room, over every producer. */
    long waits() {
        long w = 0;
        for (Producer p : producers) w += p.waits;
        return w;
    }

    /** Events lost because the consumer was gone (discarded by producers or left in the channel). */
    long lost() {
        long l;
        lock.lock();
        try {
            l = droppedAtEnd;
        } finally {
            lock.unlock();
        }
        for (Producer p : producers) l += p.lost;
        return l;
    }
}
