package io.mailtap.bench;

import io.mailtap.capture.PcapFiles;
import io.mailtap.decode.Frames;
import io.mailtap.testutil.TcpConversation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The packet kit builds packets a real stack could have sent: every IPv4 header, TCP and UDP
 * checksum is right, whether the packet comes from a scripted conversation ({@link TcpScript},
 * {@code testutil/TcpConversation}) or header by header ({@code decode/Frames}). Checked twice: by a
 * plain word-by-word sum written here, and by tshark with checksum validation on.
 */
class PacketKitTest {
    private static final long T0 = 1_700_000_000_000_000L;

    @TempDir
    Path dir;

    @Test
    void everyChecksumOfTheKitsPacketsAddsUp() {
        for (byte[] frame : frames()) {
            int ip = 14;
            int version = (frame[ip] & 0xFF) >>> 4;
            if (version == 4) {
                int hl = (frame[ip] & 0x0F) * 4;
                assertThat(naiveSum(frame, ip, hl, 0)).as("IPv4 header checksum").isEqualTo(0xFFFF);
                int total = u16(frame, ip + 2);
                long pseudo = naiveSum(frame, ip + 12, 8, 0) + (frame[ip + 9] & 0xFF) + (total - hl);
                assertThat(naiveSum(frame, ip + hl, total - hl, pseudo)).as("transport checksum over IPv4").isEqualTo(0xFFFF);
            } else {
                int payload = u16(frame, ip + 4);
                long pseudo = naiveSum(frame, ip + 8, 32, 0) + (frame[ip + 6] & 0xFF) + payload;
                assertThat(naiveSum(frame, ip + 40, payload, pseudo)).as("transport checksum over IPv6").isEqualTo(0xFFFF);
            }
        }
    }

    @Test
    void tsharkFindsEveryChecksumGood() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/tshark")), "tshark is not installed");
        PcapFiles pcap = TcpConversation.ethernetPcap();
        for (byte[] f : frames()) pcap.packet(T0, f);
        Path file = pcap.write(dir.resolve("kit.pcap"));

        Process p = new ProcessBuilder("tshark", "-r", file.toString(), "-o", "ip.check_checksum:TRUE",
                "-o", "tcp.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE", "-T", "fields",
                "-e", "ip.checksum.status", "-e", "tcp.checksum.status", "-e", "udp.checksum.status")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<String> lines;
        try (var r = p.inputReader(StandardCharsets.UTF_8)) {
            lines = r.lines().toList();
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(lines).hasSize(frames().size());
        for (String line : lines) {
            // one status per layer present: 1 is Good (0 Bad, 2 Unverified)
            for (String status : line.split("\t", -1)) {
                if (!status.isEmpty()) assertThat(status).as(line).isEqualTo("1");
            }
            assertThat(line.replace("\t", "")).as("a transport checksum was checked").isNotEmpty();
        }
    }

    /** Frames from both ways of building: conversations (IPv4 and IPv6) and header-by-header. */
    private static List<byte[]> frames() {
        List<byte[]> out = new ArrayList<>();
        for (String[] pair : new String[][] {{"192.0.2.10", "198.51.100.25"}, {"2001:db8::10", "2001:db8:1::25"}}) {
            TcpScript s = new TcpScript(Endpoints.tcp(pair[0], 40000, pair[1], 25), new FrameBuilder(), () -> T0,
                    (ts, fb, len) -> out.add(java.util.Arrays.copyOf(fb.frame, len)));
            s.handshake().server("220 mx ESMTP\r\n".getBytes(StandardCharsets.US_ASCII))
                    .client("EHLO odd-length.example\r\n".getBytes(StandardCharsets.US_ASCII)).close();
        }
        byte[] odd = Frames.ascii("odd");
        out.add(Frames.ethernet(Frames.ETH_IPV4, Frames.ipv4("10.0.0.1", "10.0.0.2", Frames.IPPROTO_TCP, 2, 0x4000,
                Frames.tcp(1025, 25, 7, 9, 0x18, 1024, 3, odd))));
        out.add(Frames.ethernet(Frames.ETH_IPV4, Frames.ipv4("10.0.0.1", "10.0.0.2", Frames.IPPROTO_UDP, udp(53, 5353, odd))));
        out.add(Frames.ethernet(Frames.ETH_IPV6, Frames.ipv6("fd00::1", "fd00::2", Frames.IPPROTO_UDP, udp(53, 5353, odd))));
        out.add(Frames.ethernet(Frames.ETH_IPV6, Frames.ipv6("fd00::1", "fd00::2", Frames.IPPROTO_TCP, Frames.tcp(1025, 25, odd))));
        return out;
    }

    private static byte[] udp(int src, int dst, byte[] payload) {
        byte[] b = new byte[8 + payload.length];
        Frames.put16(b, 0, src);
        Frames.put16(b, 2, dst);
        Frames.put16(b, 4, b.length);
        System.arraycopy(payload, 0, b, 8, payload.length);
        return b;
    }

    /** The Internet checksum the textbook way (RFC 1071): 16-bit words, odd byte padded, carries folded. */
    private static int naiveSum(byte[] b, int off, int len, long initial) {
        long s = initial;
        for (int i = 0; i < len; i += 2) s += ((b[off + i] & 0xFF) << 8) | (i + 1 < len ? b[off + i + 1] & 0xFF : 0);
        while ((s >> 16) != 0) s = (s & 0xFFFF) + (s >> 16);
        return (int) s;
    }

    private static int u16(byte[] b, int off) {
        return ((b[off] & 0xFF) << 8) | (b[off + 1] & 0xFF);
    }
}
