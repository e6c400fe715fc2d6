package io.mailtap.sensor;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class FrameRingTest {
    private record Got(int offset, int length, int wire, long ts, byte first) {}

    private static List<Got> drainAll(FrameRing r) {
        List<Got> got = new ArrayList<>();
        r.drain((b, off, len, wire, ts) -> got.add(new Got(off, len, wire, ts, len > 0 ? b[off] : 0)), Integer.MAX_VALUE);
        return got;
    }

    private static byte[] filled(int len, int value) {
        byte[] b = new byte[len];
        java.util.Arrays.fill(b, (byte) value);
        return b;
    }

    @Test
    void sizesAreRoundedUpToPowersOfTwo() {
        FrameRing r = new FrameRing(1000, 3000);
        assertThat(r.capacity()).isEqualTo(1024);
        assertThat(r.arenaBytes()).isEqualTo(4096);
        assertThat(new FrameRing(1, 1).capacity()).isEqualTo(1);
    }

    @Test
    void aFullIndexRingDropsAndCountsWithoutBlocking() {
        FrameRing r = new FrameRing(4, 1 << 16);
        for (int i = 0; i < 4; i++) assertThat(r.offer(filled(10, i), 10, 60, i)).isTrue();
        assertThat(r.offer(filled(10, 9), 10, 60, 9)).as("fifth frame").isFalse();
        assertThat(r.offer(filled(10, 9), 10, 60, 9)).isFalse();
        assertThat(r.dropped()).isEqualTo(2);
        assertThat(r.size()).isEqualTo(4);

        List<Got> got = drainAll(r);
        assertThat(got).extracting(Got::ts).containsExactly(0L, 1L, 2L, 3L);
        assertThat(got).extracting(Got::wire).containsOnly(60);
        assertThat(r.offer(filled(10, 5), 10, 60, 5)).as("room again").isTrue();
        assertThat(drainAll(r)).extracting(Got::first).containsExactly((byte) 5);
    }

    @Test
    void aFullArenaDropsAndFramesNeverWrap() {
        FrameRing r = new FrameRing(64, 1024);
        assertThat(r.offer(filled(400, 1), 400, 400, 1)).isTrue();  // [0,400)
        assertThat(r.offer(filled(400, 2), 400, 400, 2)).isTrue();  // [400,800)
        assertThat(r.offer(filled(400, 3), 400, 400, 3)).as("would need the arena's tail and head").isFalse();
        assertThat(r.dropped()).isEqualTo(1);
        assertThat(drainAll(r)).extracting(Got::offset).containsExactly(0, 400);

        assertThat(r.offer(filled(400, 4), 400, 400, 4)).as("skips the 224-byte tail, lands at 0").isTrue();
        assertThat(r.offer(filled(2000, 5), 2000, 2000, 5)).as("larger than the arena").isFalse();
        List<Got> got = drainAll(r);
        assertThat(got).hasSize(1);
        assertThat(got.get(0).offset()).isZero();
        assertThat(got.get(0).first()).isEqualTo((byte) 4);
        assertThat(r.dropped()).isEqualTo(2);
    }

    @Test
    void drainsInBatchesAndReportsDrainedOnlyAfterClose() {
        FrameRing r = new FrameRing(16, 1 << 12);
        for (int i = 0; i < 10; i++) r.offer(filled(8, i), 8, 8, i);
        AtomicLong n = new AtomicLong();
        assertThat(r.drain((b, o, l, w, t) -> n.incrementAndGet(), 4)).isEqualTo(4);
        assertThat(r.isDrained()).isFalse();
        r.close();
        assertThat(r.isDrained()).as("closed but frames left").isFalse();
        assertThat(r.drain((b, o, l, w, t) -> n.incrementAndGet(), 100)).isEqualTo(6);
        assertThat(r.isDrained()).isTrue();
        assertThat(r.drain((b, o, l, w, t) -> n.incrementAndGet(), 100)).isZero();
        assertThat(n.get()).isEqualTo(10);
    }

    /**
     * A producer much faster than the consumer: frames are dropped and counted, never blocked on;
     * the consumer sees a strictly increasing subsequence with every frame's bytes intact, and
     * accepted + dropped = offered.
     */
    @Test
    void overflowUnderConcurrencyIsCountedAndTheConsumerSeesAConsistentSequence() throws Exception {
        FrameRing r = new FrameRing(256, 64 * 1024);
        final int total = 400_000;
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicLong consumed = new AtomicLong();
        AtomicLong corrupt = new AtomicLong();
        AtomicLong outOfOrder = new AtomicLong();

        Thread consumer = new Thread(() -> {

            try {
                long[] lastSeen = {-1};
                while (true) {
                    int n = r.drain((buf, off, len, wire, ts) -> {
                        long seq = ByteBuffer.wrap(buf, off, 8).getLong();
                        if (seq != ts || len != lengthOf(seq) || wire != len + 1) corrupt.incrementAndGet();
                        for (int i = 8; i < len; i++) if (buf[off + i] != (byte) (seq + i)) { corrupt.incrementAndGet(); break; }
                        if (seq <= lastSeen[0]) outOfOrder.incrementAndGet();
                        lastSeen[0] = seq;
                        consumed.incrementAndGet();
                        // a slow consumer: a little work per frame
                        long x = 0;
                        for (int i = 0; i < 200; i++) x += i * seq;
                        if (x == 42) corrupt.addAndGet(0);
                    }, 64);
                    if (n == 0) {
                        if (r.isDrained()) break;
                        Thread.onSpinWait();
                    }
                }

            } catch (Throwable t) {
                failure.set(t);
            }
        }, "consumer");
        consumer.start();

        long accepted = 0;
        byte[] frame = new byte[2048];
        for (long seq = 0; seq < total; seq++) {
            int len = lengthOf(seq);
            ByteBuffer.wrap(frame).putLong(0, seq);
            for (int i = 8; i < len; i++) frame[i] = (byte) (seq + i);
            if (r.offer(frame, len, len + 1, seq)) accepted++;
        }
        r.close();
        consumer.join(30_000);

        assertThat(consumer.isAlive()).isFalse();
        assertThat(failure.get()).isNull();
        assertThat(r.dropped()).as("the producer outran the consumer").isPositive();
        assertThat(accepted + r.dropped()).isEqualTo(total);
        assertThat(consumed.get()).isEqualTo(accepted);
        assertThat(corrupt.get()).isZero();
        assertThat(outOfOrder.get()).isZero();
    }

    /** The capture thread's per-packet work (tuple peek, shard choice, offer) and the drain allocate nothing. */
    @Test
    void theHandOffAllocatesNothingPerPacket() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        byte[] frame = io.mailtap.decode.Frames.ethernet(io.mailtap.decode.Frames.ETH_IPV4, io.mailtap.decode.Frames.ipv4(
                "10.0.0.1", "203.0.113.25", io.mailtap.decode.Frames.IPPROTO_TCP,
                io.mailtap.decode.Frames.tcp(40000, 25, io.mailtap.decode.Frames.ascii("MAIL FROM:<>\r\n"))));
        FrameRing[] rings = {new FrameRing(1024, 1 << 20), new FrameRing(1024, 1 << 20)};
        io.mailtap.decode.FrameDecoder peek = new io.mailtap.decode.FrameDecoder(new io.mailtap.decode.DecodeStats());
        io.mailtap.decode.PacketView view = new io.mailtap.decode.PacketView();
        long[] sum = new long[1];
        FrameRing.FrameConsumer consumer = (b, off, len, wire, ts) -> sum[0] += len;
        long id = Thread.currentThread().getId();
        for (int round = 0; round < 2; round++) { // the first round warms up
            long before = mx.getThreadAllocatedBytes(id);
            for (int i = 0; i < 100_000; i++) {
                peek.decode(1, frame, frame.length, frame.length, i, view);
                int shard = FlowHash.shard(view, rings.length);
                rings[shard].offer(frame, frame.length, frame.length, i);
                if ((i & 255) == 255) for (FrameRing r : rings) r.drain(consumer, 1024);
            }
            long allocated = mx.getThreadAllocatedBytes(id) - before;
            if (round == 1) assertThat(allocated).as("bytes allocated for 100,000 frames").isLessThan(4096);
        }
        assertThat(sum[0]).isPositive();
        assertThat(rings[0].dropped() + rings[1].dropped()).isZero();
    }

    private static int lengthOf(long seq) {
        return 8 + (int) new SplittableRandom(seq).nextLong(0, 1500);
    }

    /**
     * Issue 12: an idle worker parks on its empty ring instead of waking on a timer, and the
     * producer's next offer wakes it — long before the park's bound (a minute here), so a quiet
     * wire costs one wake-up per packet and an idle one none.
     */
    @Test
    void anOfferWakesAConsumerParkedOnTheEmptyRing() throws Exception {
        FrameRing ring = new FrameRing(8, 1 << 12);
        AtomicLong got = new AtomicLong();
        Thread consumer = new Thread(() -> {
            while (got.get() == 0) {
                ring.parkConsumer(java.util.concurrent.TimeUnit.MINUTES.toNanos(1));
                ring.drain((b, off, len, wire, ts) -> got.set(ts), 8);
            }
        });
        consumer.start();
        while (consumer.getState() != Thread.State.TIMED_WAITING) Thread.onSpinWait(); // parked
        assertThat(ring.offer(new byte[60], 60, 60, 42)).isTrue();
        consumer.join(30_000);
        assertThat(consumer.isAlive()).as("woken by the offer, not by the one-minute bound").isFalse();
        assertThat(got.get()).isEqualTo(42);
    }

    @Test
    void closingTheRingWakesAParkedConsumer() throws Exception {
        FrameRing ring = new FrameRing(8, 1 << 12);
        Thread consumer = new Thread(() -> {
            while (!ring.isDrained()) ring.parkConsumer(java.util.concurrent.TimeUnit.MINUTES.toNanos(1));
        });
        consumer.start();
        while (consumer.getState() != Thread.State.TIMED_WAITING) Thread.onSpinWait();
        ring.close();
        consumer.join(30_000);
        assertThat(consumer.isAlive()).isFalse();
    }
}
