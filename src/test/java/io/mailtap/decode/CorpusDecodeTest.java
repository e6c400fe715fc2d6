package io.mailtap.decode;

import io.mailtap.testutil.CorpusDir;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mailtap.capture.CaptureException;
import io.mailtap.capture.OfflineSource;
import io.mailtap.capture.RawFrame;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Reads the shared capture corpus with {@link OfflineSource} and {@link FrameDecoder} and checks
 * the result against the facts tshark wrote into each capture's {@code .truth.json}: frame counts,
 * link type, snaplen truncation, and per SMTP connection the frames, payload bytes per direction,
 * VLAN ids and IP version.
 *
 * <p>The corpus is {@code ../shared/pcaps} from the repository root, or {@code $MAILTAP_CORPUS}.
 * Without it these tests are skipped, except under {@code CI=true}, where they fail.
 */
class CorpusDecodeTest {
    private static final String DAMAGED = "suricata-verify/smtp-to-comma/10.7.29.101_49898-178.63.41.150_25.pcap";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path corpus() {
        return CorpusDir.get();
    }

    /** What we decoded for one direction of one TCP connection. */
    private static final class Direction {
        long frames;
        long segmentBytes;
        final TreeSet<Integer> vlans = new TreeSet<>();
        final TreeSet<Integer> ipVersions = new TreeSet<>();
    }

    private record Result(int linkType, int snaplen, DecodeStats stats, Map<String, Direction> directions,
                          CaptureException error, long packetsRead) {}

    private static Result decodeAll(Path capture) throws CaptureException {
        DecodeStats stats = new DecodeStats();
        FrameDecoder decoder = new FrameDecoder(stats);
        PacketView view = new PacketView();
        Map<String, Direction> directions = new HashMap<>();
        try (OfflineSource src = OfflineSource.open(capture, null)) {
            RawFrame frame = new RawFrame();
            while (src.next(frame)) {
                if (!decoder.decode(src.linkType(), frame.data, frame.capturedLength, frame.wireLength, frame.tsMicros, view)) {
                    continue;
                }
                String key = endpoint(view.srcHi, view.srcLo, view.srcPort) + ">" + endpoint(view.dstHi, view.dstLo, view.dstPort);
                Direction d = directions.computeIfAbsent(key, k -> new Direction());
                d.frames++;
                d.segmentBytes += view.segmentLength;
                if (view.vlanOuter != 0) d.vlans.add(view.vlanOuter);
                if (view.vlanInner != 0) d.vlans.add(view.vlanInner);
                d.ipVersions.add(view.ipVersion);
                assertThat(view.payloadOffset + view.payloadLength).isLessThanOrEqualTo(view.capturedLength);
            }
            return new Result(src.linkType(), src.snaplen(), stats, directions, src.error(), src.packetsRead());
        }
    }

    private static String endpoint(long hi, long lo, int port) {
        byte[] raw = hi == 0 && (lo >>> 32) == 0xFFFF
                ? ByteBuffer.allocate(4).putInt((int) lo).array()
                : ByteBuffer.allocate(16).putLong(hi).putLong(lo).array();
        try {
            return InetAddress.getByAddress(raw).getHostAddress() + "|" + port;
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static String endpoint(String ip, int port) throws UnknownHostException {
        return InetAddress.getByName(ip).getHostAddress() + "|" + port; // same text form as above
    }

    private static JsonNode truth(Path capture) throws IOException {
        try (InputStream in = Files.newInputStream(Path.of(capture + ".truth.json"))) {
            return JSON.readTree(in);
        }
    }

    @TestFactory
    Stream<DynamicTest> everyCaptureMatchesItsTruthFile() throws IOException {
        Path root = corpus();
        List<Path> truths;
        try (Stream<Path> files = Files.walk(root)) {
            truths = files.filter(p -> p.getFileName().toString().endsWith(".truth.json")).sorted().toList();
        }
        assertThat(truths).as("truth files under " + root).hasSizeGreaterThan(100);
        return truths.stream().map(t -> {
            Path capture = Path.of(t.toString().substring(0, t.toString().length() - ".truth.json".length()));
            return DynamicTest.dynamicTest(root.relativize(capture).toString(), () -> checkAgainstTruth(root, capture));
        });
    }

    private static void checkAgainstTruth(Path root, Path capture) throws Exception {
        JsonNode truth = truth(capture);
        JsonNode info = truth.get("file_info");
        Result r = decodeAll(capture);
        DecodeStats s = r.stats();

        assertThat(s.get(DecodeCounter.FRAMES)).as("frames").isEqualTo(info.get("frames").asLong()).isEqualTo(r.packetsRead());
        assertThat(s.get(DecodeCounter.FRAMES)).as("every frame decoded or counted once").isEqualTo(s.get(DecodeCounter.DECODED_TCP) + s.skippedTotal());
        assertThat(s.get(DecodeCounter.TRUNCATED_FRAMES)).as("snaplen-truncated frames").isEqualTo(info.get("frames_truncated").asLong());
        String firstLayer = info.get("first_layer").get(0).asText();
        assertThat(r.linkType()).as("link type for tshark's '%s'", firstLayer)
                .isEqualTo(switch (firstLayer) {
                    case "eth" -> LinkType.ETHERNET;
                    case "null" -> LinkType.NULL;
                    default -> throw new AssertionError("corpus has a new link layer: " + firstLayer);
                });
        if (root.relativize(capture).toString().equals(DAMAGED)) {
            assertThat(r.error()).as("damaged record 19").isNotNull();
        } else {
            assertThat(r.error()).as("read error").isNull();
        }
        assertThat(s.skipped(SkipReason.UNSUPPORTED_LINK_TYPE) + s.skipped(SkipReason.MALFORMED_TCP)
                + s.skipped(SkipReason.MALFORMED_IP) + s.skipped(SkipReason.MALFORMED_IPV6_EXTENSION))
                .as("nothing in this corpus is malformed").isZero();

        long truncatedTcp = s.skipped(SkipReason.TRUNCATED_TCP);
        for (JsonNode session : truth.get("sessions")) {
            String client = endpoint(session.get("client_ip").asText(), session.get("client_port").asInt());
            String server = endpoint(session.get("server_ip").asText(), session.get("server_port").asInt());
            Direction up = r.directions().getOrDefault(client + ">" + server, new Direction());
            Direction down = r.directions().getOrDefault(server + ">" + client, new Direction());
            String what = "session " + client + " -> " + server;

            long frames = up.frames + down.frames;
            long expectedFrames = session.get("frames").asLong();
            if (truncatedTcp == 0) {
                assertThat(frames).as(what + " frames").isEqualTo(expectedFrames);
            } else { // tshark counts a frame cut inside the TCP header; we cannot tell whose it is
                assertThat(frames).as(what + " frames").isBetween(expectedFrames - truncatedTcp, expectedFrames);
            }
            assertThat(up.segmentBytes).as(what + " client bytes").isEqualTo(session.get("client_payload_bytes").asLong());
            assertThat(down.segmentBytes).as(what + " server bytes").isEqualTo(session.get("server_payload_bytes").asLong());

            TreeSet<Integer> vlans = new TreeSet<>(up.vlans);
            vlans.addAll(down.vlans);
            TreeSet<Integer> expectedVlans = new TreeSet<>();
            session.get("vlan_ids").forEach(v -> expectedVlans.add(v.asInt()));
            assertThat(vlans).as(what + " VLAN ids").isEqualTo(expectedVlans);

            TreeSet<Integer> versions = new TreeSet<>(up.ipVersions);
            versions.addAll(down.ipVersions);
            assertThat(versions).as(what + " IP version").containsExactly(session.get("ip_version").asInt());
        }
    }

    @Test
    void zeekSmtpHas125Frames() throws Exception {
        Result r = decodeAll(corpus().resolve("zeek/smtp.pcap"));

        assertThat(r.stats().get(DecodeCounter.FRAMES)).isEqualTo(125);
        assertThat(r.stats().get(DecodeCounter.DECODED_TCP)).isEqualTo(118);
        assertThat(r.stats().skipped(SkipReason.NOT_TCP)).isEqualTo(7);
    }

    @Test
    void ndpiStarttlsCarriesIpv6SmtpOnVlan125() throws Exception {
        Result r = decodeAll(corpus().resolve("ndpi/smtp-starttls.pcap"));

        long v6SmtpOnVlan125 = r.directions().entrySet().stream()
                .filter(e -> e.getKey().contains("|25>") || e.getKey().endsWith("|25"))
                .map(Map.Entry::getValue)
                .filter(d -> d.vlans.equals(new TreeSet<>(List.of(125))) && d.ipVersions.equals(new TreeSet<>(List.of(6))))
                .mapToLong(d -> d.frames).sum();
        assertThat(v6SmtpOnVlan125).isEqualTo(33);
        assertThat(r.stats().get(DecodeCounter.DECODED_TCP)).isEqualTo(69);
    }

    @Test
    void suricataMimeCapturesAreBsdLoopback() throws Exception {
        Path mime = corpus().resolve("suricata-verify/mime");
        List<Path> captures;
        try (Stream<Path> files = Files.walk(mime)) {
            captures = files.filter(p -> p.toString().endsWith("/input.pcap") && p.toString().contains("mime-dec-")).sorted().toList();
        }
        assertThat(captures).hasSize(10);
        for (Path p : captures) {
            Result r = decodeAll(p);
            assertThat(r.linkType()).as(p.toString()).isEqualTo(LinkType.NULL);
            assertThat(r.stats().get(DecodeCounter.DECODED_TCP)).as(p.toString()).isEqualTo(16).isEqualTo(r.stats().get(DecodeCounter.FRAMES));
        }
    }

    @Test
    void zeekTruncatedHeaderIsAllSnaplenCut() throws Exception {
        Result r = decodeAll(corpus().resolve("zeek/tcp/truncated-header.pcap"));
        DecodeStats s = r.stats();

        assertThat(r.snaplen()).isEqualTo(68);
        assertThat(s.get(DecodeCounter.FRAMES)).isEqualTo(24);
        assertThat(s.get(DecodeCounter.TRUNCATED_FRAMES)).isEqualTo(24);
        // the SYN's options run past byte 68, but its fixed header fits: every frame is followed
        assertThat(s.skipped(SkipReason.TRUNCATED_TCP)).isZero();
        assertThat(s.get(DecodeCounter.DECODED_TCP)).isEqualTo(24);
        Direction up = r.directions().get("201.186.157.67|60827>128.3.26.249|25");
        Direction down = r.directions().get("128.3.26.249|25>201.186.157.67|60827");
        assertThat(up.segmentBytes).isEqualTo(128);
        assertThat(down.segmentBytes).isEqualTo(477);
    }

    @Test
    void brutesharkPcapngFilesReadAsPcapng() throws Exception {
        Path dir = corpus().resolve("bruteshark/pcapng-examples");
        Map<String, Integer> frames = Map.of("smtp-auth-cram-md5.pcapng", 18, "smtp-auth-login.pcapng", 60,
                "smtp-auth-plain.pcapng", 14);
        for (Map.Entry<String, Integer> e : frames.entrySet()) {
            Path p = dir.resolve(e.getKey());
            byte[] magic = new byte[4];
            try (InputStream in = Files.newInputStream(p)) {
                assertThat(in.read(magic)).isEqualTo(4);
            }
            assertThat(magic).as("pcapng section header block").containsExactly(0x0A, 0x0D, 0x0D, 0x0A);
            Result r = decodeAll(p);
            assertThat(r.stats().get(DecodeCounter.FRAMES)).as(e.getKey()).isEqualTo(e.getValue().longValue());
            assertThat(r.error()).isNull();
        }
    }

    @Test
    void damagedCaptureYieldsItsFirst18PacketsThenAClearError() throws Exception {
        Path p = corpus().resolve(DAMAGED);
        Result r = decodeAll(p);

        assertThat(r.packetsRead()).isEqualTo(18);
        assertThat(r.stats().get(DecodeCounter.DECODED_TCP)).isEqualTo(18);
        assertThat(r.error().getMessage())
                .startsWith(p + ": read failed after 18 packets: ")
                .contains("3925868813") // libpcap's words around the number vary by version
                .doesNotContain("\n");
    }
}
