package io.mailtap.sensor;

import java.util.concurrent.locks.LockSupport;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The bounded single-producer/single-consumer hand-off from the capture thread to one worker, in
 * the manner of the LMAX Disruptor: everything is allocated up front, nothing is locked, and each
 * side publishes its progress with one release store that the other side reads with acquire.
 *
 * <p>Layout: a byte <em>arena</em> holds frame bytes back to back (a frame never wraps: when it
 * does not fit before the arena's end the producer skips to offset 0), and an <em>index ring</em>
 * of {@code slots} entries holds each frame's offset, lengths and timestamp in parallel primitive
 * arrays. Two sequences (monotonic longs) say how far the producer has published and how far the
 * consumer has consumed; a third, the consumer's arena position, tells the producer which arena
 * bytes are free again.
 *
 * <p>Producer ({@link #offer}, capture thread): when either the index ring or the arena is full
 * the frame is <em>dropped and counted</em> ({@link #dropped()}) — it never waits. It publishes each
 * frame at once (a release store is a plain store on x86): it cannot batch, because the next
 * {@code pcap_next_ex} may block forever on an idle wire and a held-back frame would wait with it.
 * It caches the consumer's sequences and re-reads them only when the cache says "full".
 *
 * <p>Consumer ({@link #drain}, worker thread): takes every published frame up to a batch limit,
 * hands each to a callback that reads it straight out of the arena, and releases the whole batch
 * with one store per sequence — the batching that keeps the two threads off each other's cache
 * lines.
 */
final class FrameRing {
    /** Called for each frame by {@link #drain}; the bytes are valid only during the call. */
    interface FrameConsumer {
        void onFrame(byte[] buffer, int offset, int capturedLength, int wireLength, long tsMicros);
    }

    private final int mask;
    private final long[] slotTs;
    private final int[] slotOffset;
    private final int[] slotLength;
    private final int[] slotWire;
    private final long[] slotEnd;
    private final byte[] arena;
    private final int arenaMask;

    /** Next sequence the consumer will read, published by the producer with release. */
    private final Sequence published = new Sequence();
    /** Sequences below this are consumed (slots free), published by the consumer. */
    private final Sequence consumed = new Sequence();
    /** Arena positions below this are consumed (bytes free), published by the consumer. */
    private final Sequence consumedArena = new Sequence();
    private final ProducerState producer = new ProducerState();
    private final ConsumerState consumer = new ConsumerState();
    private volatile boolean closed;
    /** The consumer thread while it is parked on an empty ring, else null ({@link #parkConsumer}). */
    private volatile Thread parkedConsumer;

    /**
     * @param slots      frames the ring holds (rounded up to a power of two)
     * @param arenaBytes frame bytes the ring holds (rounded up to a power of two); a frame longer
     *                   than this can never be queued and is dropped
     */
    FrameRing(int slots, int arenaBytes) {
        int n = powerOfTwo(slots);
        int a = powerOfTwo(arenaBytes);
        mask = n - 1;
        slotTs = new long[n];
        slotOffset = new int[n];
        slotLength = new int[n];
        slotWire = new int[n];
        slotEnd = new long[n];
        arena = new byte[a];
        arenaMask = a - 1;
    }

    static int powerOfTwo(int n) {
        if (n < 1 || n > (1 << 30)) throw new IllegalArgumentException("size must be 1.." + (1 << 30) + ": " + n);
        return n == 1 ? 1 : Integer.highestOneBit(n - 1) << 1;
    }

    int capacity() { return mask + 1; }

    int arenaBytes() { return arena.length; }

    // ------------------------------------------------------------------ producer side

    /**
     * Queues a copy of {@code frame[0, capturedLength)}. Producer thread only.
     *
     * @return false if the frame was dropped (ring or arena full, or the frame larger than the arena)
     */
    boolean offer(byte[] frame, int capturedLength, int wireLength, long tsMicros) {
        ProducerState p = producer;
        long seq = p.head;
        if (seq - p.cachedConsumed > mask) {
            p.cachedConsumed = consumed.getAcquire();
            if (seq - p.cachedConsumed > mask) return drop(p);
        }
        int len = capturedLength;
        if (len < 0 || len > arena.length) return drop(p);
        long pos = p.arenaHead;
        int off = (int) (pos & arenaMask);
        if (off + len > arena.length) { // would wrap: skip the arena's tail
            pos += arena.length - off;
            off = 0;
        }
        long end = pos + len;
        if (end - p.cachedConsumedArena > arena.length) {
            p.cachedConsumedArena = consumedArena.getAcquire();
            if (end - p.cachedConsumedArena > arena.length) return drop(p);
        }
        System.arraycopy(frame, 0, arena, off, len);
        int i = (int) (seq & mask);
        slotTs[i] = tsMicros;
        slotOffset[i] = off;
        slotLength[i] = len;
        slotWire[i] = wireLength;
        slotEnd[i] = end;
        p.arenaHead = end;
        p.head = seq + 1;
        published.setRelease(seq + 1);
        Thread sleeper = parkedConsumer;
        if (sleeper != null) wake(sleeper);
        return true;
    }

    /** The consumer is parked on an empty ring: wake it (a futex call, only when it sleeps). */
    private void wake(Thread sleeper) {
        parkedConsumer = null;
        LockSupport.unpark(sleeper);
    }

    private boolean drop(ProducerState p) {
        // Single writer; the metrics scrape reads it racily (never torn on a 64-bit JVM).
        p.dropped++;
        return false;
    }

    /** No more frames will be offered. Producer thread, after its last {@link #offer}. */
    void close() {
        closed = true;
        Thread sleeper = parkedConsumer;
        if (sleeper != null) wake(sleeper);
    }

    /** Frames dropped because the ring was full. Any thread (racy, monotonic). */
    long dropped() { return producer.dropped; }

    /** Frames offered and queued. Any thread (racy). */
    long accepted() { return published.getAcquire(); }

    // ------------------------------------------------------------------ consumer side

    /**
     * Hands up to {@code max} queued frames to {@code to}, in order, then frees them in one go.
     * Consumer thread only. {@code to} must not throw (a throw would hand the batch out again).
     *
     * @return frames handed out (0 if the ring was empty)
     */
    int drain(FrameConsumer to, int max) {
        long next = consumer.next;
        long avail = published.getAcquire();
        if (avail == next) return 0;
        long limit = Math.min(avail, next + max);
        for (long s = next; s < limit; s++) {
            int i = (int) (s & mask);
            to.onFrame(arena, slotOffset[i], slotLength[i], slotWire[i], slotTs[i]);
        }
        long arenaEnd = slotEnd[(int) ((limit - 1) & mask)];
        consumer.next = limit;
        consumedArena.setRelease(arenaEnd);
        consumed.setRelease(limit);
        return (int) (limit - next);
    }

    /**
     * Blocks the consumer while the ring is empty, at most {@code maxNanos}: the producer's next
     * {@link #offer} (or {@link #close}) wakes it, so an idle worker costs no CPU and a quiet wire
     * costs one wake-up per packet instead of a timed wake-up every few microseconds. The producer
     * reads the flag after its release store without a full fence, so a wake-up can be missed in a
     * narrow race; {@code maxNanos} bounds what that costs (and the worker's heartbeat needs it).
     * Consumer thread only.
     */
    void parkConsumer(long maxNanos) {
        parkedConsumer = Thread.currentThread(); // volatile store, then re-check: no wake-up lost in the common case
        if (published.getAcquire() == consumer.next && !closed) LockSupport.parkNanos(this, maxNanos);
        parkedConsumer = null;
    }

    /** True once the producer closed the ring and the consumer has taken every frame. Consumer thread. */
    boolean isDrained() {
        return closed && published.getAcquire() == consumer.next;
    }

    /** Frames waiting now. Any thread (approximate). */
    int size() {
        return (int) Math.max(0, published.getAcquire() - consumed.getAcquire());
    }

    // ------------------------------------------------------------------ padding (false sharing)

    /**
     * A sequence alone on its cache lines: the fields of a class are laid out after its
     * superclass's, so the padding classes around {@code value} keep neighbours away (the
     * Disruptor's trick; @Contended would need a JVM flag).
     */
    abstract static class LeftPad {
        long p01, p02, p03, p04, p05, p06, p07;
    }

    abstract static class SequenceValue extends LeftPad {
        volatile long value;
    }

    abstract static class RightPad extends SequenceValue {
        long p11, p12, p13, p14, p15, p16, p17;
    }

    static final class Sequence extends RightPad {
        private static final VarHandle VALUE;

        static {
            try {
                VALUE = MethodHandles.lookup().findVarHandle(SequenceValue.class, "value", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        long getAcquire() { return (long) VALUE.getAcquire(this); }

        void setRelease(long v) { VALUE.setRelease(this, v); }
    }

    /** The producer's private cursor and caches, padded away from the consumer's. */
    static final class ProducerState extends LeftPad {
        long head;
        long arenaHead;
        long cachedConsumed;
        long cachedConsumedArena;
        long dropped;
        long q01, q02, q03, q04, q05, q06, q07;
    }

    static final class ConsumerState extends LeftPad {
        long next;
        long q01, q02, q03, q04, q05, q06, q07;
    }
}
