package io.mailtap.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * PACKET_FANOUT on a real mirror port ({@link MirrorLab}): a group of handles and, beside it, one
 * plain handle on the same interface see the same SMTP connections. Every connection lands whole
 * on exactly one handle of the group (both directions, every packet the plain handle saw), every
 * handle gets a share, and together they see exactly what the plain handle saw — untagged and
 * with an 802.1Q tag on every mirrored frame.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CaptureGroupFanoutTest {
    private static final int CONNECTIONS = 120;
    private static final int HANDLES = 3;

    /** One reader thread: frames per connection (keyed by the client's port; the addresses are fixed). */
    private static final class Reader implements Runnable {
        final LiveSource source;
        final Map<Integer, Integer> framesByClientPort = new HashMap<>();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        volatile long frames;
        volatile long tagged;
        Thread thread;

        Reader(LiveSource source) {
            this.source = source;
        }

        @Override
        public void run() {
            RawFrame f = new RawFrame();
            try {
                while (source.next(f)) {
                    int port = clientPort(f.data, f.capturedLength);
                    if (port < 0) continue;
                    synchronized (this) {
                        framesByClientPort.merge(port, 1, Integer::sum);
                    }
                    int type = (f.data[12] & 0xFF) << 8 | f.data[13] & 0xFF;
                    if (type == 0x8100 || type == 0x88a8) tagged++;
                    frames++;
                }
            } catch (Throwable t) {
                failure.set(t);
            } finally {
                source.close();
            }
        }

        synchronized Map<Integer, Integer> connections() {
            return new HashMap<>(framesByClientPort);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"smtp sessions", "802.1Q", "QinQ"})
    void eachConnectionLandsWholeOnOneHandleAndEveryHandleGetsAShare(String traffic) throws Exception {
        int[] tags = switch (traffic) {
            case "802.1Q" -> new int[] {100};
            case "QinQ" -> new int[] {200, 100};
            default -> new int[0];
        };
        try (MirrorLab lab = MirrorLab.start()) {
            LiveOptions options = LiveOptions.defaults(lab.device()).withBufferSizeBytes(8 << 20).withReadTimeoutMillis(10)
                    .withBpfFilter("tcp port 25 or (vlan and (tcp port 25 or (vlan and tcp port 25)))");
            CaptureGroup group = CaptureGroup.open(options, HANDLES, PacketFanout.AUTO);
            LiveSource plain = LiveSource.open(options);
            List<Reader> readers = new ArrayList<>();
            for (LiveSource s : group.sources()) readers.add(new Reader(s));
            Reader reference = new Reader(plain);
            readers.add(reference);

            assertThat(group.size()).isEqualTo(HANDLES);
            assertThat(group.groupId()).isBetween(0, PacketFanout.MAX_GROUP_ID);
            for (LiveSource s : group.sources()) assertThat(s.fanoutGroup()).as("handle in the group").isEqualTo(group.groupId());
            assertThat(plain.fanoutGroup()).as("the plain handle is in no group").isEqualTo(-1);

            for (Reader r : readers) {
                r.thread = new Thread(r, "fanout-reader");
                r.thread.setDaemon(true);
                r.thread.start();
            }
            if (tags.length == 0) lab.sendMail(CONNECTIONS);
            else lab.injectConnections(CONNECTIONS, tags);
            // The last ring blocks are handed over within the read timeout; wait until the group
            // has as many frames as the plain handle (bounded, not a timing assertion).
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline
                    && (reference.connections().size() < CONNECTIONS || groupFrames(readers) < reference.frames)) {
                Thread.sleep(50);
            }
            for (Reader r : readers) r.source.breakLoop();
            for (Reader r : readers) {
                r.thread.join(10_000);
                assertThat(r.thread.isAlive()).isFalse();
                assertThat(r.failure.get()).isNull();
                assertThat(r.source.error()).isNull();
            }

            Map<Integer, Integer> expected = reference.connections();
            assertThat(expected).as("connections the plain handle saw").hasSize(CONNECTIONS);
            assertThat(reference.tagged).as("tagged frames").isEqualTo(tags.length > 0 ? reference.frames : 0);
            if (tags.length > 0) assertThat(expected.values()).as("8 frames per injected connection").containsOnly(8);
            StringBuilder shares = new StringBuilder(traffic + ": connections per handle");
            for (int h = 0; h < HANDLES; h++) shares.append(' ').append(readers.get(h).connections().size());
            System.out.println(shares);
            Map<Integer, Integer> seenOn = new HashMap<>();
            Map<Integer, Integer> merged = new HashMap<>();
            for (int h = 0; h < HANDLES; h++) {
                Map<Integer, Integer> mine = readers.get(h).connections();
                assertThat(mine).as("handle %d gets a share of %d connections", h, CONNECTIONS).isNotEmpty();
                for (Map.Entry<Integer, Integer> e : mine.entrySet()) {
                    Integer other = seenOn.put(e.getKey(), h);
                    assertThat(other).as("connection from port %d on handles %s and %d", e.getKey(), other, h).isNull();
                    merged.put(e.getKey(), e.getValue());
                }
            }
            assertThat(merged).as("frames per connection over the group = the plain handle's").isEqualTo(expected);
        }
    }

    /**
     * Until a handle joins the group it receives the whole wire, so frames captured while the group
     * opens would reach two handles. Opening the group in the middle of a stream of hand-made
     * frames (each unique: client port, direction, sequence number) shows that none is delivered
     * twice: CaptureGroup drops what was captured before every handle had joined.
     */
    @Test
    void framesCapturedWhileTheGroupOpensAreNotDeliveredTwice() throws Exception {
        try (MirrorLab lab = MirrorLab.start()) {
            LiveOptions options = LiveOptions.defaults(lab.device()).withBufferSizeBytes(32 << 20).withReadTimeoutMillis(10)
                    .withBpfFilter("tcp port 25");
            Process flood = lab.injectConnectionsInBackground(40_000);
            try (LiveSource probe = LiveSource.open(options)) { // wait until the stream flows
                assertThat(probe.next(new RawFrame())).isTrue();
            }
            CaptureGroup group = CaptureGroup.open(options, HANDLES, PacketFanout.AUTO);
            assertThat(flood.isAlive()).as("the stream still flows once the group is open").isTrue();
            List<Thread> threads = new ArrayList<>();
            List<Map<Long, Integer>> seen = new ArrayList<>();
            long[] discarded = new long[HANDLES];
            for (int h = 0; h < HANDLES; h++) {
                LiveSource src = group.source(h);
                Map<Long, Integer> mine = new HashMap<>();
                seen.add(mine);
                int handle = h;
                Thread t = new Thread(() -> {
                    RawFrame f = new RawFrame();
                    while (src.next(f)) mine.merge(frameKey(f.data, f.capturedLength), 1, Integer::sum);
                    discarded[handle] = src.discardedAtStart();
                    src.close();
                }, "fanout-reader-" + h);
                t.setDaemon(true);
                t.start();
                threads.add(t);
            }
            assertThat(flood.waitFor(120, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(500); // the last ring blocks are handed over within the read timeout
            for (LiveSource s : group.sources()) s.breakLoop();
            for (Thread t : threads) t.join(10_000);

            Map<Long, Integer> all = new HashMap<>();
            long frames = 0;
            for (Map<Long, Integer> m : seen) {
                for (Map.Entry<Long, Integer> e : m.entrySet()) {
                    all.merge(e.getKey(), e.getValue(), Integer::sum);
                    frames += e.getValue();
                }
            }
            System.out.println("while opening: frames " + frames + ", dropped at start per handle " + java.util.Arrays.toString(discarded));
            assertThat(frames).as("the group captured the stream").isPositive();
            assertThat(all.values()).as("no frame delivered twice").containsOnly(1);
        }
    }

    /** client port, direction, sequence number and flags of a hand-made frame: unique per frame. */
    private static long frameKey(byte[] d, int len) {
        int tcp = 14 + 20;
        long sport = (d[tcp] & 0xFF) << 8 | d[tcp + 1] & 0xFF;
        long dport = (d[tcp + 2] & 0xFF) << 8 | d[tcp + 3] & 0xFF;
        long seq = (d[tcp + 4] & 0xFFL) << 24 | (d[tcp + 5] & 0xFF) << 16 | (d[tcp + 6] & 0xFF) << 8 | d[tcp + 7] & 0xFF;
        long flags = d[tcp + 13] & 0xFF;
        return sport << 48 | dport << 32 | seq << 8 | flags;
    }

    private static long groupFrames(List<Reader> readers) {
        long n = 0;
        for (int h = 0; h < HANDLES; h++) n += readers.get(h).frames;
        return n;
    }

    /** The port that is not 25 of an Ethernet (optionally 802.1Q-tagged) IPv4 TCP frame, or -1. */
    static int clientPort(byte[] d, int len) {
        int off = 12;
        if (len < off + 2) return -1;
        int type = (d[off] & 0xFF) << 8 | d[off + 1] & 0xFF;
        while (type == 0x8100 || type == 0x88a8) {
            off += 4;
            if (len < off + 2) return -1;
            type = (d[off] & 0xFF) << 8 | d[off + 1] & 0xFF;
        }
        int ip = off + 2;
        if (type != 0x0800 || len < ip + 20 || (d[ip + 9] & 0xFF) != 6) return -1;
        int tcp = ip + (d[ip] & 0x0F) * 4;
        if (len < tcp + 4) return -1;
        int src = (d[tcp] & 0xFF) << 8 | d[tcp + 1] & 0xFF;
        int dst = (d[tcp + 2] & 0xFF) << 8 | d[tcp + 3] & 0xFF;
        return src == 25 ? dst : src;
    }
}
