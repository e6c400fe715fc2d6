package io.mailtap.flow;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailtap.testutil.CorpusDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

/** Issue 8 item 7: conflicting copies are resolved by what the receiver acknowledged. */
class TcpInsertionTest {
    @TempDir Path out;

    @Test
    void suricata5989FakeGreetingTheClientNeverAckedDoesNotHideTheReplies() throws Exception {
        // Frame 4: a 5,002-byte "greeting" (the real 38-byte one and 4,964 'A's); the client
        // acknowledges only 39 and the server's real replies re-use sequence numbers 39.. .
        Path pcap = CorpusDir.file("../pcaps2/OISF-suricata-verify/smtp-bug-5989/input.pcap");
        List<String> anomalies = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<JsonNode> lines = ReplayRecords.replay(FlowSettings.defaults(), List.of(e -> {
            if (e instanceof io.mailtap.smtp.SmtpEvent.Anomaly a) anomalies.add(a.kind().id());
        }), out, pcap);
        assertThat(lines).hasSize(1);
        JsonNode l = lines.get(0);
        assertThat(l.get("helo").asText()).isEqualTo("Percival");
        assertThat(l.get("auth_mech").asText()).isEqualTo("LOGIN");
        assertThat(l.get("auth_result").asText()).isEqualTo("success");     // 235 on the wire
        assertThat(l.get("rcpt_accepted").asInt()).isEqualTo(1);            // 250
        assertThat(l.get("message_status").asText()).isEqualTo("accepted"); // 354, then 250 ok
        assertThat(l.get("last_reply").asText()).startsWith("250 ok 1184401929");
        assertThat(anomalies).containsOnlyOnce("tcp_overlap_replaced"); // the possible evasion is reported
    }

    @Test
    void withoutOverlapCheckBuffersTheFirstCopyStaysAndTheMissingBufferIsCounted() {
        // flow.max_overlap_check_buffers: 0 — the bound of the buffers above, hit on purpose
        FlowSettings d = FlowSettings.defaults();
        FlowSettings none = new FlowSettings(d.smtpPorts(), d.trackAllTcp(), d.maxFlows(), d.maxBufferedBytesPerDirection(),
                d.maxBufferedBytesTotal(), d.attemptTimeoutMicros(), d.idleTimeoutMicros(), d.closedTimeoutMicros(),
                d.ackWaitMicros(), d.ackWaitMaxBytes(), 0);
        FlowStats st = new FlowStats();
        FlowTable t = new FlowTable(none, new Recorder(), st);
        Session ses = new Session(t);
        ses.handshake();
        ses.send(ses.s().seq(ses.sSeq(0)).ack(ses.cNext).data("220 hi\r\nFAKEFAKE"));
        assertThat(st.get(FlowCounter.UNACKED_NOT_KEPT)).isPositive();
        assertThat(st.get(FlowCounter.OVERLAPS_REPLACED)).isZero();
    }

    // --- frame by frame ---------------------------------------------------------------------

    private final Recorder rec = new Recorder();
    private final FlowStats stats = new FlowStats();
    private final FlowTable table = new FlowTable(FlowSettings.defaults(), rec, stats);
    private final Session s = new Session(table);

    @Test
    void aCopyTheReceiverDidNotTakeIsReplacedByTheOneItAcknowledged() {
        s.handshake();
        s.send(s.s().seq(s.sSeq(0)).ack(s.cNext).data("220 hi\r\nFAKEFAKE"));
        s.send(s.c().seq(s.cNext).ack(s.sSeq(8)).data("EHLO a\r\n")); // acknowledges only "220 hi\r\n"
        s.cNext += 8;
        s.send(s.s().seq(s.sSeq(8)).ack(s.cNext).data("250 ok\r\n"));
        assertThat(rec.only().server.text()).isEqualTo("220 hi\r\n250 ok\r\n");
        assertThat(rec.log).contains("replaced s 8");
        assertThat(stats.get(FlowCounter.OVERLAP_CONFLICTS)).isEqualTo(1);
        assertThat(stats.get(FlowCounter.OVERLAPS_REPLACED)).isEqualTo(1);
        assertThat(rec.only().flow.overlapConflicts()).isEqualTo(1);
        assertThat(rec.only().flow.serverPayloadBytes()).isEqualTo(16);
    }

    @Test
    void anIdenticalRetransmissionOfUnacknowledgedBytesIsOnlyADuplicate() {
        s.handshake();
        s.send(s.s().seq(s.sSeq(0)).ack(s.cNext).data("220 hi\r\n250 ok\r\n"));
        s.send(s.c().seq(s.cNext).ack(s.sSeq(8)).data("EHLO a\r\n"));
        s.cNext += 8;
        s.send(s.s().seq(s.sSeq(8)).ack(s.cNext).data("250 ok\r\n")); // lost beyond the tap, re-sent
        assertThat(rec.only().server.text()).isEqualTo("220 hi\r\n250 ok\r\n");
        assertThat(stats.get(FlowCounter.OVERLAP_CONFLICTS)).isZero();
        assertThat(stats.get(FlowCounter.DUPLICATE_SEGMENTS)).isEqualTo(1);
    }

    @Test
    void aConflictingCopyAfterTheReceiverTookTheFirstIsCountedButChangesNothing() {
        s.handshake();
        s.send(s.s().seq(s.sSeq(0)).ack(s.cNext).data("220 hi\r\n"));
        s.send(s.s().seq(s.sSeq(0)).ack(s.cNext).data("220 XX\r\n")); // before any ACK: no evidence
        s.send(s.c().seq(s.cNext).ack(s.sSeq(8)).data("EHLO a\r\n"));
        assertThat(rec.only().server.text()).isEqualTo("220 hi\r\n");
        assertThat(stats.get(FlowCounter.OVERLAP_CONFLICTS)).isEqualTo(1);
        assertThat(stats.get(FlowCounter.OVERLAPS_REPLACED)).isZero();
        assertThat(rec.only().flow.overlapConflicts()).isEqualTo(1);
    }

    @Test
    void aPureAckShortOfTheFirstCopyIsNoEvidenceAgainstIt() {
        s.handshake();
        s.send(s.s().seq(s.sSeq(0)).ack(s.cNext).data("220 hi\r\n250 ok\r\n"));
        s.serverAcks(0);
        s.send(s.c().seq(s.cNext).ack(s.sSeq(8)));                      // delayed ACK, older than the rest
        s.send(s.s().seq(s.sSeq(8)).ack(s.cNext).data("554 no\r\n")); // a conflicting copy: not taken
        assertThat(rec.only().server.text()).isEqualTo("220 hi\r\n250 ok\r\n");
        assertThat(stats.get(FlowCounter.OVERLAP_CONFLICTS)).isEqualTo(1);
        assertThat(stats.get(FlowCounter.OVERLAPS_REPLACED)).isZero();
    }
}
