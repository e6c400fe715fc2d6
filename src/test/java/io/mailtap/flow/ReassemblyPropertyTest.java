package io.mailtap.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded randomized properties of one direction's reassembly: whatever the order, duplication,
 * overlap (with consistent content), loss, truncation and caps, the delivered bytes sit at their
 * true stream offsets, and data plus gaps account for the whole stream.
 */
class ReassemblyPropertyTest {
    /** Stream offsets [from, to) of one wire segment; {@code captured} bytes of it were captured. */
    private record Seg(int from, int to, int captured, boolean visible) {}

    private static byte[] randomStream(Random rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    private static int isn(Random rnd, int round, int n) {
        // Every fourth stream crosses 2^32 somewhere in the middle.
        return round % 4 == 0 ? -1 - rnd.nextInt(n + 2) : rnd.nextInt();
    }

    /** Cuts [0, n) into consecutive segments of 1..1460 bytes. */
    private static List<int[]> cover(Random rnd, int n) {
        List<int[]> out = new ArrayList<>();
        for (int at = 0; at < n; ) {
            int len = 1 + rnd.nextInt(Math.min(1460, rnd.nextInt(4) == 0 ? 8 : 1460));
            out.add(new int[] {at, Math.min(n, at + len)});
            at += len;
        }
        return out;
    }

    private static void send(Session s, byte[] stream, Seg g) {
        byte[] slice = Arrays.copyOfRange(stream, g.from, g.to);
        s.send(s.c().seq(s.cSeq(g.from)).ack(s.sNext).data(slice).captured(g.captured));
    }

    @Test
    void shuffledDuplicatedOverlappingSegmentsRebuildTheStreamExactly() {
        for (int round = 0; round < 300; round++) {
            Random rnd = new Random(0x5eedL + round);
            int n = 1 + rnd.nextInt(round % 3 == 0 ? 100 : 20_000);
            byte[] stream = randomStream(rnd, n);
            List<Seg> wire = new ArrayList<>();
            for (int[] c : cover(rnd, n)) wire.add(new Seg(c[0], c[1], c[1] - c[0], true));
            int base = wire.size();
            for (int k = 0; k < base / 3 + 1; k++) wire.add(wire.get(rnd.nextInt(base))); // exact duplicates
            for (int k = 0; k < base / 2 + 1; k++) {                                      // overlaps
                int from = rnd.nextInt(n), to = Math.min(n, from + 1 + rnd.nextInt(3000));
                wire.add(new Seg(from, to, to - from, true));
            }
            Collections.shuffle(wire, rnd);

            Recorder rec = new Recorder();
            FlowStats stats = new FlowStats();
            FlowTable table = new FlowTable(Session.settings(10, 64 << 20, 256L << 20), rec, stats);
            Session s = new Session(table).isn(isn(rnd, round, n), rnd.nextInt());
            s.handshake();
            for (Seg g : wire) send(s, stream, g);
            s.send(s.c().fin().seq(s.cSeq(n)).ack(s.sNext));
            s.serverAcks(n + 1);
            table.flushAll(s.ts);

            Recorder.Side side = rec.only().client;
            assertThat(side.data.toByteArray()).as("round %d", round).isEqualTo(stream);
            assertThat(side.gaps).as("round %d", round).isZero();
            assertThat(stats.get(FlowCounter.OVERLAP_CONFLICTS)).as("round %d", round).isZero();
            assertThat(stats.get(FlowCounter.BUFFERED_BYTES_NOW)).isZero();
        }
    }

    @Test
    void withLossTruncationAcksAndCapsDeliveredBytesAreRightAndEverythingIsAccountedFor() {
        for (int round = 0; round < 400; round++) {
            Random rnd = new Random(0x10557L + round);
            boolean truncate = (round & 1) != 0, acks = (round & 2) != 0, smallCaps = (round & 4) != 0;
            int n = 1 + rnd.nextInt(round % 5 == 0 ? 200 : 20_000);
            byte[] stream = randomStream(rnd, n);

            List<Seg> wire = new ArrayList<>();
            for (int[] c : cover(rnd, n)) wire.add(segment(rnd, c[0], c[1], truncate));
            int base = wire.size();
            for (int k = 0; k < base / 3 + 1; k++) {
                int from = rnd.nextInt(n), to = Math.min(n, from + 1 + rnd.nextInt(2000));
                wire.add(segment(rnd, from, to, truncate));
            }
            Collections.shuffle(wire, rnd);

            Recorder rec = new Recorder();
            FlowStats stats = new FlowStats();
            FlowSettings settings = smallCaps
                    ? Session.settings(10, 200 + rnd.nextInt(6000), 300 + rnd.nextInt(8000))
                    : Session.settings(10, 64 << 20, 256L << 20);
            FlowTable table = new FlowTable(settings, rec, stats);
            Session s = new Session(table).isn(isn(rnd, round, n), rnd.nextInt());
            s.handshake();

            boolean[] sent = new boolean[n];   // on the wire so far, seen by the tap or not
            boolean[] seen = new boolean[n];   // captured bytes the tap received
            boolean[] early = new boolean[n];  // ... before any ACK had covered them
            int frontier = 0, acked = 0;
            for (Seg g : wire) {
                for (int i = g.from; i < g.to; i++) sent[i] = true;
                if (g.visible) {
                    send(s, stream, g);
                    for (int i = g.from; i < g.from + g.captured; i++) {
                        seen[i] = true;
                        if (i >= acked) early[i] = true;
                    }
                }
                while (frontier < n && sent[frontier]) frontier++;
                // The receiver can only acknowledge bytes that were all sent.
                if (acks && frontier > 0 && rnd.nextInt(4) == 0) {
                    s.serverAcks(frontier);
                    acked = frontier;
                }
            }
            s.send(s.c().fin().seq(s.cSeq(n)).ack(s.sNext));
            s.serverAcks(n + 1);
            table.flushAll(s.ts);

            Recorder.Side side = rec.only().client;
            String at = "round " + round;
            assertThat(side.position).as(at).isEqualTo(n);
            assertThat(side.data.size() + side.gapBytes).as(at).isEqualTo(n);
            for (int r = 0; r < side.runs.size(); r++) {
                int off = (int) side.runs.get(r)[0];
                byte[] bytes = side.runBytes.get(r);
                assertThat(bytes).as(at).isEqualTo(Arrays.copyOfRange(stream, off, off + bytes.length));
                for (int i = off; i < off + bytes.length; i++) assertThat(seen[i]).as(at).isTrue();
            }
            int seenCount = 0, earlyCount = 0;
            for (int i = 0; i < n; i++) {
                if (seen[i]) seenCount++;
                if (early[i]) earlyCount++;
            }
            assertThat(side.data.size()).as(at).isLessThanOrEqualTo(seenCount);
            if (!truncate && !smallCaps) {
                // Only an ACK can force a skip here, and it skips only what was not captured yet:
                // every byte captured before an ACK covered it is delivered. (A later copy of a
                // byte the ACK skipped is a retransmission of something already declared lost.)
                assertThat(side.data.size()).as(at).isEqualTo(earlyCount);
            }
            assertThat(stats.gapBytesTotal()).as(at).isEqualTo(side.gapBytes);
            assertThat(stats.get(FlowCounter.BUFFERED_BYTES_NOW)).as(at).isZero();
            assertThat(stats.get(FlowCounter.OVERLAP_CONFLICTS)).as(at).isZero();
        }
    }

    private static Seg segment(Random rnd, int from, int to, boolean truncate) {
        boolean visible = rnd.nextInt(100) >= 15;
        int captured = truncate && rnd.nextInt(10) == 0 ? rnd.nextInt(to - from) : to - from;
        return new Seg(from, to, captured, visible);
    }
}
