package io.mailtap.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static io.mailtap.flow.Session.SEC;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailtap.testutil.CorpusDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

/** Issue 8 item 4: an ACK captured before the data it acknowledges is not a gap. */
class AckBeforeDataTest {
    /**
     * The body between "DATA\r\n" and "\r\n.\r\n" plus its last CRLF, counted from
     * {@code tshark -q -z follow,tcp,raw,0} (no dot-stuffing in it).
     */
    private static final long WIRE_MESSAGE_BYTES = 16_529;

    @TempDir Path out;

    @Test
    void arkimeDecryptedMessageKeepsTheBytesCapturedAfterTheirAck() throws Exception {
        // Frames 27/28: the server ACKs 14673 and 16731 4–20 µs before the client segments
        // 11777..16731 (4,954 bytes of the message) are captured.
        Path pcap = CorpusDir.file("arkime/smtp-decrypted.pcap");
        List<JsonNode> lines = ReplayRecords.replay(FlowSettings.defaults(), out, pcap);
        JsonNode first = lines.stream().filter(l -> l.get("client_port").asInt() == 49475).findFirst().orElseThrow();
        assertThat(first.get("gaps").asBoolean()).isFalse();
        assertThat(first.get("message_status").asText()).isEqualTo("accepted");
        assertThat(first.get("message_bytes").asLong()).isEqualTo(WIRE_MESSAGE_BYTES);
    }

    @Test
    void theSameCaptureWithoutTheWaitLosesTheBytesAsBefore() throws Exception {
        Path pcap = CorpusDir.file("arkime/smtp-decrypted.pcap");
        List<JsonNode> lines = ReplayRecords.replay(FlowSettings.defaults().withAckWait(50_000, 0), out, pcap);
        JsonNode first = lines.stream().filter(l -> l.get("client_port").asInt() == 49475).findFirst().orElseThrow();
        assertThat(first.get("gaps").asBoolean()).isTrue();
        assertThat(first.get("message_bytes").asLong()).isLessThan(WIRE_MESSAGE_BYTES - 4_900);
    }

    // --- the wait itself, frame by frame -------------------------------------------------------

    private final Recorder rec = new Recorder();
    private final FlowStats stats = new FlowStats();
    private final FlowTable table = new FlowTable(FlowSettings.defaults(), rec, stats);
    private final Session s = new Session(table);

    @Test
    void dataCapturedAfterItsAckIsDelivered() {
        s.handshake();
        s.clientAt(0, "AAAA");
        s.serverAcks(12);             // the ACK overtook [4,12) on the mirror
        s.clientAt(4, "BBBB");
        s.clientAt(8, "CCCC");
        assertThat(rec.only().client.text()).isEqualTo("AAAABBBBCCCC");
        assertThat(rec.only().client.gaps).isZero();
        assertThat(stats.get(FlowCounter.ACK_WAITS)).isEqualTo(1);
        assertThat(stats.get(FlowCounter.ACK_WAITS_EXPIRED)).isZero();
    }

    @Test
    void aWaitThatOutlivesFlowAckWaitIsAGapAndLateBytesAreNotDelivered() {
        s.handshake();
        s.clientAt(0, "AAAA");
        s.serverAcks(8);
        table.advanceTime(s.ts + FlowSettings.DEFAULT_ACK_WAIT_MICROS - 1);
        assertThat(rec.log).endsWith("data c AAAA");
        table.advanceTime(s.ts + FlowSettings.DEFAULT_ACK_WAIT_MICROS);
        assertThat(rec.log).endsWith("data c AAAA", "gap c 4");
        assertThat(stats.get(FlowCounter.ACK_WAITS_EXPIRED)).isEqualTo(1);
        assertThat(stats.gaps(GapCause.CAPTURE_LOSS)).isEqualTo(1);
        s.ts += SEC;
        s.clientAt(4, "BBBB");
        assertThat(rec.only().client.text()).isEqualTo("AAAA");
    }

    @Test
    void theAcknowledgingSidesReplyEndsTheWaitSoTheHoleComesFirst() {
        s.handshake();
        s.clientAt(0, "AAAA");
        s.serverAcks(8);
        s.server("250 ok\r\n");
        assertThat(rec.log).endsWith("data c AAAA", "gap c 4", "data s 250 ok\r\n");
        assertThat(stats.get(FlowCounter.ACK_WAITS_EXPIRED)).isEqualTo(1);
    }

    @Test
    void laterBytesOfTheSameSideArrivingFirstMakeTheHoleALossButTheRestIsStillAwaited() {
        s.handshake();
        s.clientAt(0, "AAAA");
        s.serverAcks(16);
        s.clientAt(8, "CCCC");        // [4,8) was lost; [12,16) may still come
        assertThat(rec.log).endsWith("data c AAAA", "gap c 4", "data c CCCC");
        s.clientAt(12, "DDDD");
        assertThat(rec.only().client.text()).isEqualTo("AAAACCCCDDDD");
        assertThat(rec.only().client.gaps).isEqualTo(1);
    }

    @Test
    void moreAcknowledgedBytesThanFlowAckWaitMaxBytesAreAGapAtOnce() {
        s.handshake();
        s.clientAt(0, "AAAA");
        s.serverAcks(4 + (int) FlowSettings.DEFAULT_ACK_WAIT_MAX_BYTES + 1);
        assertThat(rec.log).endsWith("data c AAAA", "gap c " + (FlowSettings.DEFAULT_ACK_WAIT_MAX_BYTES + 1));
        assertThat(stats.get(FlowCounter.ACK_WAITS)).isZero();
    }

    @Test
    void aWaitStillOpenWhenTheFlowEndsIsACaptureLossGap() {
        s.handshake();
        s.clientAt(0, "AAAA");
        s.serverAcks(8);
        table.flushAll(s.ts);
        assertThat(rec.log).endsWith("data c AAAA", "gap c 4", "end SHUTDOWN");
        assertThat(stats.gaps(GapCause.CAPTURE_LOSS)).isEqualTo(1);
    }
}
