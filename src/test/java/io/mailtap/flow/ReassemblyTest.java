package io.mailtap.flow;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailtap.decode.PacketView;
import org.junit.jupiter.api.Test;

/** One direction's byte stream rebuilt from segments, as RFC 9293 section 3.10.7.4 orders them. */
class ReassemblyTest {
    private static final long SEG = TcpReassembler.SEGMENT_OVERHEAD;

    private final Recorder rec = new Recorder();
    private final FlowStats stats = new FlowStats();
    private FlowTable table = new FlowTable(FlowSettings.defaults(), rec, stats);
    private Session s = new Session(table);

    private void use(FlowSettings settings) {
        table = new FlowTable(settings, rec, stats);
        s = new Session(table);
    }

    private Recorder.Side client() { return rec.only().client; }

    @Test
    void inOrderPayloadIsPassedFromTheFrameWithoutACopy() {
        s.handshake();
        PacketView v = s.c().seq(s.cNext).ack(s.sNext).data("EHLO a\r\n").view();
        table.onPacket(v);
        assertThat(client().arrays).containsExactly(v.frame);
        assertThat(client().runs.get(0)).containsExactly(0, 8);
    }

    @Test
    void segmentsArrivingThirdFirstSecondAreDeliveredInOrder() {
        s.handshake();
        s.clientAt(6, "CCC");
        s.clientAt(0, "AAA");
        s.clientAt(3, "BBB");
        assertThat(client().text()).isEqualTo("AAABBBCCC");
        assertThat(rec.log).endsWith("data c AAA", "data c BBB", "data c CCC");
        assertThat(stats.get(FlowCounter.OUT_OF_ORDER_SEGMENTS)).isEqualTo(1);
        assertThat(stats.get(FlowCounter.BUFFERED_BYTES_NOW)).isZero();
        assertThat(client().gaps).isZero();
    }

    @Test
    void exactRetransmissionIsNotDeliveredTwice() {
        s.handshake();
        s.clientAt(0, "HELLO");
        s.clientAt(0, "HELLO");
        s.clientAt(10, "later");
        s.clientAt(10, "later"); // duplicate of a buffered segment: stored once
        assertThat(stats.get(FlowCounter.BUFFERED_BYTES_NOW)).isEqualTo(SEG + 5);
        s.clientAt(5, "-mid-");
        assertThat(client().text()).isEqualTo("HELLO-mid-later");
        assertThat(stats.get(FlowCounter.DUPLICATE_SEGMENTS)).isEqualTo(2);
        assertThat(stats.get(FlowCounter.OVERLAP_CONFLICTS)).isZero();
    }

    @Test
    void retransmissionCarryingNewBytesDeliversOnlyTheNewPart() {
        s.handshake();
        s.clientAt(0, "hello");
        s.clientAt(0, "hello world");
        assertThat(client().text()).isEqualTo("hello world");
        assertThat(rec.log).endsWith("data c hello", "data c  world");
        assertThat(stats.get(FlowCounter.DUPLICATE_SEGMENTS)).isEqualTo(1);
    }

    @Test
    void overlapKeepsTheFirstCopyAndCountsDifferingContent() {
        s.handshake();
        s.clientAt(4, "XYZW");      // buffered first
        s.clientAt(0, "abcdEFGH");  // in order, but its bytes 4..8 overlap the first copy
        assertThat(client().text()).isEqualTo("abcdXYZW");
        assertThat(stats.get(FlowCounter.OVERLAP_CONFLICTS)).isEqualTo(1);
    }

    @Test
    void overlapWithIdenticalContentIsOnlyADuplicate() {
        s.handshake();
        s.clientAt(4, "efgh");
        s.clientAt(0, "abcdefgh");
        assertThat(client().text()).isEqualTo("abcdefgh");
        assertThat(stats.get(FlowCounter.OVERLAP_CONFLICTS)).isZero();
        assertThat(stats.get(FlowCounter.DUPLICATE_SEGMENTS)).isEqualTo(1);
    }

    @Test
    void overlapBetweenBufferedSegmentsStoresOnlyTheUncoveredPieces() {
        s.handshake();
        s.clientAt(4, "CCCC");        // [4,8)
        s.clientAt(2, "DDDDDDDDDD");  // [2,12): only [2,4) and [8,12) are new
        assertThat(stats.get(FlowCounter.BUFFERED_BYTES_NOW)).isEqualTo(3 * SEG + 4 + 2 + 4);
        assertThat(stats.get(FlowCounter.OVERLAP_CONFLICTS)).isEqualTo(1);
        s.clientAt(0, "AA");
        assertThat(client().text()).isEqualTo("AADDCCCCDDDD");
        assertThat(stats.get(FlowCounter.BUFFERED_BYTES_NOW)).isZero();
    }

    @Test
    void sequenceNumbersWrapAroundTwoToTheThirtyTwo() {
        s.isn(-8, -3).handshake(); // client data starts at 0xFFFFFFF9
        s.clientAt(10, "abcde");   // [3, 8) after the wrap
        s.clientAt(5, "56789");    // [-2, 3): crosses 2^32
        s.clientAt(0, "01234");
        assertThat(client().text()).isEqualTo("0123456789abcde");

        s.cNext = s.cSeq(15);
        s.client("!");
        s.server("250 ok\r\n"); // server data also crosses: ISN -3, data from -2
        assertThat(rec.only().server.text()).isEqualTo("250 ok\r\n");
        s.clientAt(20, "x");       // offset 16..20 missing
        s.serverAcks(21);          // acknowledged across nothing special: 4 bytes lost
        assertThat(rec.log).endsWith("gap c 4", "data c x");
    }

    @Test
    void ackBeyondAMissingSegmentDeclaresTheGapThenDeliversWhatFollows() {
        s.handshake();
        s.clientAt(0, "AAAA");
        s.clientAt(8, "CCCC"); // [4,8) never captured
        s.sNext = s.sSeq(0);
        s.send(s.s().seq(s.sNext).ack(s.cSeq(12)).data("250 ok\r\n"));
        assertThat(rec.log).endsWith("data c AAAA", "gap c 4", "data c CCCC", "data s 250 ok\r\n");
        assertThat(stats.gaps(GapCause.CAPTURE_LOSS)).isEqualTo(1);
        assertThat(stats.gapBytes(GapCause.CAPTURE_LOSS)).isEqualTo(4);
        assertThat(client().gapBytes).isEqualTo(4);
        assertThat(rec.only().flow.clientGapBytes()).isEqualTo(4);

        s.clientAt(4, "BBBB"); // arrives after the gap was declared: never delivered
        assertThat(client().text()).isEqualTo("AAAACCCC");
        assertThat(client().gaps).isEqualTo(1);
    }

    @Test
    void ackIntoAHoleWithNothingBufferedSkipsUpToTheAck() {
        s.handshake();
        s.clientAt(0, "AAAA");
        s.serverAcks(10);
        s.clientAt(10, "CC");
        assertThat(rec.log).endsWith("data c AAAA", "gap c 6", "data c CC");
    }

    @Test
    void ackOfAFinIsNotAByteOfData() {
        s.handshake();
        s.clientAt(0, "AAAA");
        s.send(s.c().fin().seq(s.cSeq(8)).ack(s.sNext)); // data [4,8) lost, FIN at 8
        s.serverAcks(9);                                 // acknowledges the data and the FIN
        assertThat(rec.log).endsWith("data c AAAA", "gap c 4");
        assertThat(client().gapBytes).isEqualTo(4);
    }

    @Test
    void holesStillOpenAtTheEndAreGapsBeforeOnFlowEnd() {
        s.handshake();
        s.clientAt(0, "AAAA");
        s.clientAt(8, "CCCC");
        s.send(s.c().fin().seq(s.cSeq(16)).ack(s.sNext)); // [12,16) lost too
        s.send(s.c().rst().seq(s.cSeq(17)));
        table.advanceTime(s.ts + 5 * Session.SEC);
        assertThat(rec.log).endsWith("data c AAAA", "gap c 4", "data c CCCC", "gap c 4", "end RST");
        assertThat(stats.gaps(GapCause.FLOW_END)).isEqualTo(2);
        assertThat(stats.get(FlowCounter.BUFFERED_BYTES_NOW)).isZero();
    }

    @Test
    void lateRetransmissionFillsAHoleWhileTheClosedFlowLingers() {
        s.handshake();
        s.clientAt(0, "AAAA");
        s.clientAt(8, "CCCC");
        s.send(s.c().fin().seq(s.cSeq(12)).ack(s.sNext));
        s.send(s.s().fin().seq(s.sNext).ack(s.cSeq(4)));
        assertThat(rec.only().flow.state()).isEqualTo(ConnState.CLOSED);
        s.clientAt(4, "BBBB");
        assertThat(client().text()).isEqualTo("AAAABBBBCCCC");
        assertThat(client().gaps).isZero();
    }

    @Test
    void perDirectionCapReleasesTheOldestHoleAsAGap() {
        use(Session.settings(100, (int) (2 * (SEG + 10)), 1 << 20));
        s.handshake();
        s.clientAt(20, "2222222222");
        s.clientAt(40, "4444444444");
        assertThat(stats.get(FlowCounter.CAP_HITS_PER_DIRECTION)).isZero();
        s.clientAt(60, "6666666666"); // a third segment does not fit
        assertThat(stats.get(FlowCounter.CAP_HITS_PER_DIRECTION)).isEqualTo(1);
        assertThat(rec.log).endsWith("gap c 20", "data c 2222222222");
        assertThat(stats.gaps(GapCause.BUFFER_CAP)).isEqualTo(1);
        assertThat(stats.get(FlowCounter.BUFFERED_BYTES_NOW)).isEqualTo(2 * (SEG + 10));

        table.flushAll(s.ts);
        assertThat(client().text()).isEqualTo("222222222244444444446666666666");
        assertThat(client().gapBytes).isEqualTo(20 + 10 + 10);
        assertThat(client().position).isEqualTo(70);
    }

    @Test
    void segmentLargerThanTheWholeCapIsDeliveredAfterAGap() {
        use(Session.settings(100, 16, 1 << 20));
        s.handshake();
        s.clientAt(5, "too big to hold");
        assertThat(rec.log).endsWith("gap c 5", "data c too big to hold");
        assertThat(stats.get(FlowCounter.CAP_HITS_PER_DIRECTION)).isEqualTo(1);
    }

    @Test
    void tableWideCapReleasesTheDirectionThatHeldDataLongest() {
        use(Session.settings(100, 1 << 16, 2 * (SEG + 10)));
        Session a = new Session(table, "10.0.0.1", 40001, "192.0.2.25", 25);
        Session b = new Session(table, "10.0.0.1", 40002, "192.0.2.25", 25);
        a.handshake();
        b.handshake();
        a.clientAt(10, "aaaaaaaaaa");
        b.clientAt(10, "bbbbbbbbbb");
        assertThat(stats.get(FlowCounter.CAP_HITS_TOTAL)).isZero();
        b.clientAt(30, "BBBBBBBBBB");
        assertThat(stats.get(FlowCounter.CAP_HITS_TOTAL)).isEqualTo(1);
        Recorder.Record ra = rec.flows.get(0), rb = rec.flows.get(1);
        assertThat(ra.client.text()).isEqualTo("aaaaaaaaaa");
        assertThat(ra.client.gapBytes).isEqualTo(10);
        assertThat(rb.client.text()).isEmpty();
        assertThat(stats.get(FlowCounter.BUFFERED_BYTES_NOW)).isEqualTo(2 * (SEG + 10));
        assertThat(stats.gaps(GapCause.BUFFER_CAP)).isEqualTo(1);
    }

    @Test
    void snaplenTruncationDeliversTheCapturedPartThenAGap() {
        s.handshake();
        s.send(s.c().seq(s.cSeq(0)).ack(s.sNext).data("HELLO WORLD").captured(5));
        s.clientAt(11, "!!");
        assertThat(rec.log).endsWith("data c HELLO", "gap c 6", "data c !!");
        assertThat(stats.get(FlowCounter.TRUNCATED_SEGMENTS)).isEqualTo(1);
        assertThat(stats.gaps(GapCause.TRUNCATION)).isEqualTo(1);
        assertThat(stats.gapBytes(GapCause.TRUNCATION)).isEqualTo(6);
    }

    @Test
    void truncatedSegmentHeldOutOfOrderKeepsItsGapInPlace() {
        s.handshake();
        s.send(s.c().seq(s.cSeq(4)).ack(s.sNext).data("BBBBBBBB").captured(3));
        s.clientAt(0, "AAAA");
        s.clientAt(12, "CC");
        assertThat(rec.log).endsWith("data c AAAA", "data c BBB", "gap c 5", "data c CC");
        assertThat(stats.gapBytes(GapCause.TRUNCATION)).isEqualTo(5);
        assertThat(stats.gapBytes(GapCause.CAPTURE_LOSS)).isZero();
    }

    @Test
    void keepAliveProbesAreNotData() {
        s.handshake();
        s.client("HELLO");
        s.send(s.c().seq(s.cNext - 1).ack(s.sNext).data("x")); // one garbage byte at next-1
        s.send(s.c().seq(s.cNext - 1).ack(s.sNext));           // or none
        assertThat(client().text()).isEqualTo("HELLO");
        assertThat(stats.get(FlowCounter.KEEP_ALIVES)).isEqualTo(2);
        assertThat(client().gaps).isZero();
    }

    @Test
    void zeroWindowProbeByteIsDeliveredOnce() {
        s.handshake();
        s.client("HELLO");
        s.send(s.c().seq(s.cNext).ack(s.sNext).data(" "));       // probe: the next byte
        s.send(s.c().seq(s.cNext).ack(s.sNext).data(" WORLD"));  // window opened: full segment
        assertThat(client().text()).isEqualTo("HELLO WORLD");
    }

    @Test
    void dataOnTheSynIsDelivered() {
        s.send(s.c().syn().seq(1000).data("EHLO tfo\r\n"));
        s.send(s.s().syn().seq(5000).ack(1011));
        s.send(s.c().seq(1011).ack(5001).data("MAIL"));
        assertThat(client().text()).isEqualTo("EHLO tfo\r\nMAIL");
        assertThat(rec.log).containsExactly("start", "data c EHLO tfo\r\n", "established", "data c MAIL");
        assertThat(client().gaps).isZero();
    }

    @Test
    void firstDataByteFollowsTheSyn() {
        s.handshake();
        s.send(s.c().seq(1000).ack(5001).data("X")); // at the SYN's own number: not data
        s.clientAt(0, "Y");
        assertThat(client().text()).isEqualTo("Y");
    }

    @Test
    void rstPayloadIsNotStreamData() {
        s.handshake();
        s.send(s.c().rst().seq(s.cNext).data("connection reset by policy"));
        assertThat(client().text()).isEmpty();
    }

    @Test
    void implausibleSequenceJumpsAreIgnoredNotBuffered() {
        s.handshake();
        s.clientAt(0, "ok");
        s.clientAt((1 << 30) + 10, "far"); // 2^30 + 8 beyond the delivery point
        s.serverAcks((1 << 30) + 5);
        assertThat(client().text()).isEqualTo("ok");
        assertThat(client().gaps).isZero();
        assertThat(stats.get(FlowCounter.OUT_OF_WINDOW_SEGMENTS)).isEqualTo(1);
        assertThat(stats.get(FlowCounter.IMPLAUSIBLE_ACKS)).isEqualTo(1);
        assertThat(stats.get(FlowCounter.BUFFERED_BYTES_NOW)).isZero();
    }

    @Test
    void midStreamDirectionStartsAtItsFirstSegment() {
        s.send(s.c().seq(700).ack(9000).data("RCPT TO:<a@b>\r\n"));
        s.send(s.c().seq(690).ack(9000).data("0123456789")); // before our start: already gone
        assertThat(client().text()).isEqualTo("RCPT TO:<a@b>\r\n");
        assertThat(stats.get(FlowCounter.DUPLICATE_SEGMENTS)).isEqualTo(1);
    }
}
