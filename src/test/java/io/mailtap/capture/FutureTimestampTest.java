package io.mailtap.capture;

import io.mailtap.decode.DecodeCounter;
import static io.mailtap.decode.Frames.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mailtap.decode.LinkType;
import io.mailtap.flow.FlowSettings;
import io.mailtap.sensor.Replay;
import io.mailtap.smtp.SmtpSettings;
import io.mailtap.testutil.TcpConversation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 9 item 10: pcapng's 64-bit timestamps beyond what packet time can hold are clamped, counted, marked. */
class FutureTimestampTest {
    private static final String CLAMPED = "2262-04-11T23:47:16.854775Z";

    @TempDir Path dir;

    @Test
    void timestampsPastTheRangeAreClampedNotWrapped() throws Exception {
        byte[] frame = ethernet(0x0800, ipv4("10.0.0.1", "10.0.0.2", IPPROTO_TCP, tcp(1025, 25, ascii("QUIT\r\n"))));
        Path file = PcapFiles.pcapng(LinkType.ETHERNET, 65535)
                .packet(1_600_000_000_000_007L, frame)
                .packet(32_503_680_000_000_000L, frame) // year 3000
                .packet(-1L, frame)                     // 2^64 - 1 µs: wraps negative as a long
                .write(dir.resolve("future.pcapng"));
        try (OfflineSource src = OfflineSource.open(file, null)) {
            RawFrame f = new RawFrame();
            assertThat(src.next(f)).isTrue();
            assertThat(f.tsMicros).isEqualTo(1_600_000_000_000_007L);
            assertThat(src.next(f)).isTrue();
            assertThat(f.tsMicros).isEqualTo(RawFrame.MAX_TS_MICROS);
            assertThat(src.next(f)).isTrue();
            assertThat(f.tsMicros).isEqualTo(RawFrame.MAX_TS_MICROS);
            assertThat(src.error()).isNull();
        }
    }

    @Test
    void aSessionStampedBeyondTheRangeIsLoggedAtTheMarkerAndCounted() throws Exception {
        // 2^64 - 10 s in microseconds: every frame of the session is past 2^63.
        Path pcap = new TcpConversation(PcapFiles.pcapng(LinkType.ETHERNET, 65535), "10.0.0.1", 40000, "10.0.0.25", 25,
                -10_000_000L)
                .handshake().server("220 mx ESMTP\r\n").client("HELO a.example\r\n").server("250 ok\r\n")
                .client("MAIL FROM:<a@a.example>\r\n").server("250 ok\r\n")
                .client("RCPT TO:<b@b.example>\r\n").server("250 ok\r\n")
                .client("QUIT\r\n").server("221 bye\r\n").close()
                .write(dir.resolve("wrapped.pcapng"));
        Replay.Report r = new Replay(FlowSettings.defaults(), SmtpSettings.defaults(), "test-sensor", List.of(), 0)
                .run(List.of(pcap), null, dir.resolve("out"));
        List<String> lines = Files.readAllLines(dir.resolve("out").resolve(Replay.TRANSACTION_LOG));
        assertThat(lines).hasSize(1);
        JsonNode line = new ObjectMapper().readTree(lines.get(0));
        assertThat(line.get("ts").asText()).isEqualTo(CLAMPED);
        assertThat(line.get("helo").asText()).isEqualTo("a.example");
        assertThat(r.pipeline().decodeStats().get(DecodeCounter.TIMESTAMPS_CLAMPED)).isEqualTo(r.packets()).isGreaterThan(10);
    }
}
