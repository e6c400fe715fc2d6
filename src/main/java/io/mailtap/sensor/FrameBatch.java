package io.mailtap.sensor;

import io.mailtap.capture.RawFrame;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Consecutive frames of a parallel replay, read once and shared read-only by every shard: each
 * shard processes the frames whose {@link #shard} is its own and takes the time of every other
 * one as a tick of its packet clock, so timeouts fire at the same frame as in a single pipeline.
 * Pre-allocated and recycled (each slot keeps its {@link RawFrame} buffer): the reader fills a
 * batch, every shard releases it, and the last release returns it to the pool.
 */
final class FrameBatch {
    static final int CAPACITY = 256;
    /** Frames no shard owns (not TCP as the decoder sees it): ticks only. */
    static final byte NO_SHARD = -1;

    final RawFrame[] frames = new RawFrame[CAPACITY];
    final int[] linkType = new int[CAPACITY];
    final byte[] shard = new byte[CAPACITY];
    /** Index (over the whole replay, from 0) of {@code frames[0]}. */
    long first;
    int size;
    /** The end of input: no frames; the shards flush their flows and finish. */
    boolean end;

    private final AtomicInteger holders = new AtomicInteger();
    private final BlockingQueue<FrameBatch> pool;

    FrameBatch(BlockingQueue<FrameBatch> pool) {
        this.pool = pool;
        for (int i = 0; i < CAPACITY; i++) frames[i] = new RawFrame();
    }

    boolean full() { return size == CAPACITY; }

    /** Handed to {@code shards} readers; the last {@link #release()} recycles it. */
    void share(int shards) { holders.set(shards); }

    void release() {
        if (holders.decrementAndGet() == 0) {
            size = 0;
            end = false;
            pool.offer(this); // the pool has room for every batch
        }
    }
}
