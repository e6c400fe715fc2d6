package io.mailtap.capture;

import static io.mailtap.decode.Frames.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailtap.decode.LinkType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OfflineSourceTest {
    @TempDir Path dir;

    private static byte[] smtpFrame(int size) {
        byte[] payload = new byte[size];
        Arrays.fill(payload, (byte) 'a');
        return ethernet(ETH_IPV4, ipv4("10.0.0.1", "10.0.0.2", IPPROTO_TCP, tcp(1025, 25, payload)));
    }

    @Test
    void deliversEveryRecordWithItsTimeAndLengths() throws Exception {
        byte[] a = smtpFrame(10);
        byte[] b = smtpFrame(1460);
        Path file = PcapFiles.pcap(LinkType.ETHERNET, 65535)
                .packet(1_700_000_000_123_456L, a)
                .packet(1_700_000_001_000_001L, b, 68, b.length)
                .write(dir.resolve("two.pcap"));

        try (OfflineSource src = OfflineSource.open(file, null)) {
            assertThat(src.linkType()).isEqualTo(LinkType.ETHERNET);
            assertThat(src.snaplen()).isEqualTo(65535);
            assertThat(src.name()).isEqualTo(file.toString());
            RawFrame f = new RawFrame();

            assertThat(src.read(f)).isEqualTo(PacketSource.PACKET);
            assertThat(f.tsMicros).isEqualTo(1_700_000_000_123_456L);
            assertThat(f.capturedLength).isEqualTo(a.length);
            assertThat(f.wireLength).isEqualTo(a.length);
            assertThat(Arrays.copyOf(f.data, f.capturedLength)).isEqualTo(a);

            assertThat(src.next(f)).isTrue();
            assertThat(f.tsMicros).isEqualTo(1_700_000_001_000_001L);
            assertThat(f.capturedLength).isEqualTo(68);
            assertThat(f.wireLength).isEqualTo(b.length);
            assertThat(Arrays.copyOf(f.data, 68)).isEqualTo(Arrays.copyOf(b, 68));

            assertThat(src.read(f)).isEqualTo(PacketSource.END);
            assertThat(src.read(f)).as("END is final").isEqualTo(PacketSource.END);
            assertThat(src.next(f)).isFalse();
            assertThat(src.error()).isNull();
            assertThat(src.packetsRead()).isEqualTo(2);
            assertThat(src.stats()).isEqualTo(new CaptureStats(2, 0, 0));
        }
    }

    @Test
    void readsPcapngAndItsLinkType() throws Exception {
        byte[] frame = sll(ETH_IPV4, ipv4("10.0.0.1", "10.0.0.2", IPPROTO_TCP, tcp(1025, 25, ascii("QUIT\r\n"))));
        Path file = PcapFiles.pcapng(LinkType.LINUX_SLL, 262144)
                .packet(1_600_000_000_000_007L, frame)
                .packet(1_600_000_000_500_000L, frame, 30, frame.length)
                .write(dir.resolve("cooked.pcapng"));

        try (OfflineSource src = OfflineSource.open(file, null)) {
            assertThat(src.linkType()).isEqualTo(LinkType.LINUX_SLL);
            RawFrame f = new RawFrame();
            assertThat(src.next(f)).isTrue();
            assertThat(f.tsMicros).isEqualTo(1_600_000_000_000_007L);
            assertThat(Arrays.copyOf(f.data, f.capturedLength)).isEqualTo(frame);
            assertThat(src.next(f)).isTrue();
            assertThat(f.capturedLength).isEqualTo(30);
            assertThat(f.wireLength).isEqualTo(frame.length);
            assertThat(src.next(f)).isFalse();
            assertThat(src.error()).isNull();
        }
    }

    @Test
    void growsTheFrameBufferOnlyForALargerFrame() throws Exception {
        byte[] big = smtpFrame(70_000); // a GRO super-frame: larger than any MTU
        byte[] small = smtpFrame(5);
        Path file = PcapFiles.pcap(LinkType.ETHERNET, 262144).packet(1, big).packet(2, small).write(dir.resolve("big.pcap"));

        try (OfflineSource src = OfflineSource.open(file, null)) {
            RawFrame f = new RawFrame(64);
            assertThat(src.next(f)).isTrue();
            assertThat(f.capturedLength).isEqualTo(big.length);
            assertThat(Arrays.copyOf(f.data, f.capturedLength)).isEqualTo(big);
            byte[] grown = f.data;
            assertThat(src.next(f)).isTrue();
            assertThat(f.data).isSameAs(grown);
            assertThat(Arrays.copyOf(f.data, f.capturedLength)).isEqualTo(small);
        }
    }

    @Test
    void appliesABpfFilter() throws Exception {
        Path file = PcapFiles.pcap(LinkType.ETHERNET, 65535)
                .packet(1, smtpFrame(3))
                .packet(2, ethernet(ETH_IPV4, ipv4("10.0.0.1", "10.0.0.2", IPPROTO_TCP, tcp(1025, 80, new byte[3]))))
                .packet(3, smtpFrame(4))
                .write(dir.resolve("mixed.pcap"));

        try (OfflineSource src = OfflineSource.open(file, "tcp port 25")) {
            RawFrame f = new RawFrame();
            assertThat(src.next(f)).isTrue();
            assertThat(f.tsMicros).isEqualTo(1);
            assertThat(src.next(f)).isTrue();
            assertThat(f.tsMicros).isEqualTo(3);
            assertThat(src.next(f)).isFalse();
        }
    }

    @Test
    void namesAFilterThatDoesNotCompile() {
        Path file = PcapFiles.pcap(LinkType.ETHERNET, 65535).write(dir.resolve("empty.pcap"));

        assertThatThrownBy(() -> OfflineSource.open(file, "tcp port smtpx or"))
                .isInstanceOf(CaptureException.class)
                .hasMessageContaining("invalid BPF filter 'tcp port smtpx or'")
                .hasMessageContaining(file.toString())
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void anEmptyCaptureEndsAtOnce() throws Exception {
        Path file = PcapFiles.pcap(LinkType.ETHERNET, 65535).write(dir.resolve("empty.pcap"));
        try (OfflineSource src = OfflineSource.open(file, "")) {
            assertThat(src.read(new RawFrame())).isEqualTo(PacketSource.END);
            assertThat(src.error()).isNull();
        }
    }

    @Test
    void refusesFilesThatAreNotCaptures() throws Exception {
        Path missing = dir.resolve("missing.pcap");
        Path text = Files.writeString(dir.resolve("notes.pcap"), "this is not a capture file at all\n");
        Path empty = Files.write(dir.resolve("zero.pcap"), new byte[0]);
        Path cutHeader = Files.write(dir.resolve("cut.pcap"), Arrays.copyOf(PcapFiles.pcap(1, 65535).bytes(), 10));

        assertBadFile(missing, "no such file");
        assertBadFile(dir, "is a directory");
        assertBadFile(text, "not a readable pcap/pcapng file");
        assertBadFile(empty, "not a readable pcap/pcapng file");
        assertBadFile(cutHeader, "not a readable pcap/pcapng file");
    }

    private static void assertBadFile(Path file, String expected) {
        assertThatThrownBy(() -> OfflineSource.open(file, null))
                .isInstanceOf(CaptureException.class)
                .hasMessageStartingWith(file + ": ")
                .hasMessageContaining(expected)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void deliversTheGoodPacketsBeforeARecordThatClaimsGigabytes() throws Exception {
        Path file = PcapFiles.pcap(LinkType.ETHERNET, 65535)
                .packet(1, smtpFrame(1)).packet(2, smtpFrame(2))
                .raw(PcapFiles.recordHeader(3, 0, 0xEA000000, 0xEA000000)).raw(new byte[100])
                .write(dir.resolve("damaged.pcap"));

        try (OfflineSource src = OfflineSource.open(file, null)) {
            RawFrame f = new RawFrame();
            assertThat(src.next(f)).isTrue();
            assertThat(src.next(f)).isTrue();
            assertThat(f.tsMicros).isEqualTo(2);
            assertThat(src.next(f)).isFalse();
            assertThat(src.packetsRead()).isEqualTo(2);
            assertThat(src.error()).isNotNull();
            assertThat(src.error().getMessage())
                    .startsWith(file + ": read failed after 2 packets: ")
                    .contains("invalid packet capture length")
                    .doesNotContain("\n");
        }
    }

    @Test
    void reportsATruncatedLastRecord() throws Exception {
        byte[] frame = smtpFrame(100);
        byte[] whole = PcapFiles.pcap(LinkType.ETHERNET, 65535).packet(1, frame).packet(2, frame).bytes();
        Path file = Files.write(dir.resolve("cut-record.pcap"), Arrays.copyOf(whole, whole.length - 50));

        try (OfflineSource src = OfflineSource.open(file, null)) {
            RawFrame f = new RawFrame();
            assertThat(src.next(f)).isTrue();
            assertThat(src.next(f)).isFalse();
            assertThat(src.error().getMessage()).contains(file.toString()).contains("truncated");
        }
    }

    @Test
    void breakLoopEndsTheReadWithoutAnError() throws Exception {
        Path file = PcapFiles.pcap(LinkType.ETHERNET, 65535).packet(1, smtpFrame(1)).packet(2, smtpFrame(1))
                .write(dir.resolve("two.pcap"));
        try (OfflineSource src = OfflineSource.open(file, null)) {
            RawFrame f = new RawFrame();
            assertThat(src.next(f)).isTrue();
            src.breakLoop();
            assertThat(src.read(f)).isEqualTo(PacketSource.END);
            assertThat(src.error()).isNull();
        }
    }

    @Test
    void readingAfterCloseEndsAndCloseIsIdempotent() throws Exception {
        Path file = PcapFiles.pcap(LinkType.ETHERNET, 65535).packet(1, smtpFrame(1)).write(dir.resolve("one.pcap"));
        OfflineSource src = OfflineSource.open(file, null);
        src.close();
        src.close();
        src.breakLoop(); // must not touch the freed pcap_t
        assertThat(src.read(new RawFrame())).isEqualTo(PacketSource.END);
    }
}
