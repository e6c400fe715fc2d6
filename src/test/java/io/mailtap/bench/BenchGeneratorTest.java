package io.mailtap.bench;

import io.mailtap.bench.BenchGenerator.Options;
import io.mailtap.bench.BenchGenerator.Result;
import io.mailtap.bench.BenchGenerator.Variant;
import io.mailtap.bench.PcapTestReader.Capture;
import io.mailtap.bench.PcapTestReader.Packet;
import io.mailtap.bench.TestDecoder.Frame;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class BenchGeneratorTest {
    private static final int MIX_PACKETS = 30_000;

    private record Generated(Result result, byte[] file) {}

    private static Generated generate(Options o) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Result r = BenchGenerator.generate(o, out);
        return new Generated(r, out.toByteArray());
    }

    private static Options mix(long seed) {
        return Options.defaults(Variant.MIX).withSeed(seed).withPackets(MIX_PACKETS).withConcurrency(50);
    }

    @Test
    void mixFileIsAClassicEthernetPcapWithTheCountedRecords() throws IOException {
        Generated g = generate(mix(7));
        Capture c = PcapTestReader.read(g.file());

        assertThat(c.magic()).isEqualTo(0xA1B2C3D4);
        assertThat(g.file()[0]).isEqualTo((byte) 0xD4);   // little-endian on disk
        assertThat(c.versionMajor()).isEqualTo(2);
        assertThat(c.versionMinor()).isEqualTo(4);
        assertThat(c.linkType()).isEqualTo(1);
        assertThat(c.snaplen()).isEqualTo(65535);
        assertThat(c.packets()).hasSize((int) g.result().packets());
        assertThat(g.result().packets()).isGreaterThanOrEqualTo(MIX_PACKETS);
        assertThat(g.result().bytes()).isEqualTo(g.file().length);

        long prev = Long.MIN_VALUE;
        for (Packet p : c.packets()) {
            assertThat(p.tsMicros()).isGreaterThan(prev);
            assertThat(p.origLen()).isEqualTo(p.data().length);
            assertThat(p.data().length).isBetween(60, 1518 + 8);
            prev = p.tsMicros();
        }
        assertThat(c.packets().get(0).tsMicros()).isGreaterThanOrEqualTo(BenchGenerator.START_MICROS);
    }

    @Test
    void sameSeedGivesTheSameBytesAndAnotherSeedDoesNot() throws IOException {
        byte[] a = generate(mix(42)).file();
        byte[] b = generate(mix(42)).file();
        byte[] c = generate(mix(43)).file();
        assertThat(Arrays.equals(a, b)).isTrue();
        assertThat(Arrays.equals(a, c)).isFalse();
    }

    @Test
    void everyChecksumIsValid() throws IOException {
        for (Generated g : List.of(generate(mix(1)),
                generate(Options.defaults(Variant.MANY_FLOWS).withFlows(500)),
                generate(Options.defaults(Variant.SYN_FLOOD).withSyns(2_000).withConcurrency(20)))) {
            for (Packet p : PcapTestReader.read(g.file()).packets()) {
                Frame f = TestDecoder.decode(p.data());
                assertThat(f.ipChecksumOk()).as("IP checksum").isTrue();
                assertThat(f.l4ChecksumOk()).as("TCP/UDP checksum").isTrue();
                // short frames are padded to the Ethernet minimum; the IP length tells the truth
                assertThat(f.frameLength()).isGreaterThanOrEqualTo(60);
            }
        }
    }

    @Test
    void withoutLossEverySegmentFollowsTheLastAndEveryAckMatchesThePeer() throws IOException {
        Generated g = generate(mix(3).withRetransmitRate(0).withReorderRate(0));
        assertThat(g.result().retransmissions()).isZero();
        assertThat(g.result().reorders()).isZero();

        Map<String, long[]> next = new HashMap<>();   // direction -> {next expected seq}
        int checkedAcks = 0, checkedSegments = 0;
        for (Packet p : PcapTestReader.read(g.file()).packets()) {
            Frame f = TestDecoder.decode(p.data());
            if (f.proto() != 6) continue;
            String me = f.directionKey(), peer = reverse(f);
            if (f.has(TestDecoder.SYN)) {
                assertThat(next).doesNotContainKey(me);
                next.put(me, new long[] {(f.seq() + 1) & 0xFFFFFFFFL});
            } else {
                long[] n = next.get(me);
                assertThat(n).as("segment before SYN in " + me).isNotNull();
                assertThat(f.seq()).as("seq in " + me).isEqualTo(n[0]);
                n[0] = (n[0] + f.payload().length + (f.has(TestDecoder.FIN) ? 1 : 0)) & 0xFFFFFFFFL;
                checkedSegments++;
            }
            if (f.has(TestDecoder.ACK)) {
                assertThat(f.ack()).as("ack in " + me).isEqualTo(next.get(peer)[0]);
                checkedAcks++;
            }
        }
        assertThat(checkedSegments).isGreaterThan(MIX_PACKETS / 2);
        assertThat(checkedAcks).isGreaterThan(MIX_PACKETS / 2);
    }

    /** Reassembles every direction of every TCP flow, checking retransmissions and reorders on the way. */
    private static final class Streams {
        final Map<String, Stream> byDirection = new HashMap<>();
        long retransmissions, reorders;

        static final class Stream {
            final String key;
            long isn;
            byte[] data = new byte[4096];
            final BitSet have = new BitSet();
            long highest;   // relative sequence number after the highest byte (SYN counts one)
            boolean fin;
            int dstPort;

            Stream(String key) { this.key = key; }

            int contiguous() { return have.nextClearBit(0); }

            String text() { return new String(data, 0, contiguous(), StandardCharsets.ISO_8859_1); }
        }

        void add(Frame f) {
            String me = f.directionKey();
            if (f.has(TestDecoder.SYN)) {
                Stream s = new Stream(me);
                s.isn = f.seq();
                s.highest = 1;
                s.dstPort = f.dstPort();
                byDirection.put(me, s);
            } else {
                Stream s = byDirection.get(me);
                assertThat(s).as("segment before SYN in " + me).isNotNull();
                int rel = (int) ((f.seq() - s.isn - 1) & 0xFFFFFFFFL);
                int len = f.payload().length;
                if (len > 0) {
                    if (s.have.get(rel, rel + len).cardinality() == len) {
                        retransmissions++;
                        assertThat(Arrays.copyOfRange(s.data, rel, rel + len)).as("retransmitted bytes").isEqualTo(f.payload());
                    } else {
                        assertThat(s.have.get(rel, rel + len).isEmpty()).as("partial overlap in " + me).isTrue();
                        if (rel > s.contiguous()) reorders++;
                        if (rel + len > s.data.length) s.data = Arrays.copyOf(s.data, Math.max(2 * s.data.length, rel + len));
                        System.arraycopy(f.payload(), 0, s.data, rel, len);
                        s.have.set(rel, rel + len);
                    }
                }
                if (f.has(TestDecoder.FIN)) {
                    assertThat(s.contiguous()).as("FIN after a gap in " + me).isEqualTo(rel);
                    s.fin = true;
                }
                s.highest = Math.max(s.highest, 1L + rel + len + (f.has(TestDecoder.FIN) ? 1 : 0));
            }
            if (f.has(TestDecoder.ACK)) {
                Stream peer = byDirection.get(reverse(f));
                assertThat(peer).isNotNull();
                // never an ACK for data the capture has not shown (no "ACKed unseen segment")
                assertThat(f.ack()).as("ack in " + me).isEqualTo((peer.isn + peer.highest) & 0xFFFFFFFFL);
            }
        }
    }

    @Test
    void retransmittedAndReorderedSegmentsKeepTheStreamsWhole() throws IOException {
        Generated g = generate(mix(5).withRetransmitRate(0.2).withReorderRate(0.2));
        Streams st = new Streams();
        for (Packet p : PcapTestReader.read(g.file()).packets()) {
            Frame f = TestDecoder.decode(p.data());
            if (f.proto() == 6) st.add(f);
        }
        assertThat(g.result().retransmissions()).isPositive();
        assertThat(g.result().reorders()).isPositive();
        assertThat(st.retransmissions).isEqualTo(g.result().retransmissions());
        assertThat(st.reorders).isEqualTo(g.result().reorders());
        for (Streams.Stream s : st.byDirection.values()) {
            assertThat(s.fin).as("closed: " + s.key).isTrue();
            assertThat(s.have.cardinality()).as("no gap in " + s.key).isEqualTo(s.contiguous());
        }
    }

    @Test
    void smtpDialoguesCarryTheCountedCommands() throws IOException {
        Generated g = generate(mix(11));
        Result r = g.result();
        Streams st = new Streams();
        Set<String> tagged = new HashSet<>(), qinq = new HashSet<>(), v6 = new HashSet<>();
        long noise = 0, all = 0, vlanFrames = 0, pipelined = 0;
        for (Packet p : PcapTestReader.read(g.file()).packets()) {
            Frame f = TestDecoder.decode(p.data());
            all++;
            if (f.outerTpid() != 0) vlanFrames++;
            boolean smtp = f.proto() == 6 && (f.dstPort() == 25 || f.srcPort() == 25 || f.dstPort() == 587 || f.srcPort() == 587);
            if (!smtp) noise++;
            if (f.proto() == 6) st.add(f);
            String payload = new String(f.payload(), StandardCharsets.ISO_8859_1);
            if (payload.startsWith("MAIL FROM:") && payload.endsWith("\r\nDATA\r\n")) pipelined++;
            if (smtp && f.has(TestDecoder.SYN) && !f.has(TestDecoder.ACK)) {
                if (f.outerTpid() != 0) tagged.add(f.flowKey());
                if (f.outerTpid() == 0x88A8) qinq.add(f.flowKey());
                if (f.ipVersion() == 6) v6.add(f.flowKey());
            }
        }
        long sessions = 0, mail = 0, nullSender = 0, rcpt = 0, auth = 0, queued = 0, bdat = 0;
        for (Streams.Stream s : st.byDirection.values()) {
            String text = s.text();
            boolean toServer = s.dstPort == 25 || s.dstPort == 587;
            if (toServer) {
                sessions++;
                assertThat(text).startsWith("EHLO ");
                assertThat(text).endsWith("QUIT\r\n");
                mail += count(text, "\r\nMAIL FROM:<");
                nullSender += count(text, "\r\nMAIL FROM:<>");
                rcpt += count(text, "\r\nRCPT TO:<");
                bdat += count(text, "\r\nBDAT ");
                if (text.contains("\r\nAUTH ")) auth++;
            } else if (s.key.contains(":25>") || s.key.contains(":587>")) {
                assertThat(text).startsWith("220");
                assertThat(text).endsWith("221 2.0.0 Bye\r\n");
                queued += count(text, "250 2.0.0 Ok: queued as ");
            }
        }
        assertThat(sessions).isEqualTo(r.smtpSessions());
        assertThat(mail).isEqualTo(r.mailCommands());
        assertThat(nullSender).isEqualTo(r.nullSenders());
        assertThat(rcpt).isEqualTo(r.rcptCommands());
        assertThat(auth).isEqualTo(r.authSessions());
        assertThat(queued).isEqualTo(r.transactions());
        assertThat(bdat).isGreaterThanOrEqualTo(r.bdatTransactions()).isPositive();
        assertThat(pipelined).isEqualTo(r.pipelinedTransactions()).isPositive();
        assertThat(tagged).hasSize((int) r.vlanSessions());
        assertThat(qinq).hasSize((int) r.qinqSessions()).isNotEmpty();
        assertThat(v6).hasSize((int) r.ipv6Sessions()).isNotEmpty();
        assertThat(r.nullSenders()).isPositive();

        assertThat(noise).isEqualTo(r.noisePackets());
        assertThat((double) noise / all).isCloseTo(MixSource.NOISE_SHARE, within(0.03));
        assertThat((double) vlanFrames / all).isBetween(0.05, 0.15);
        assertThat((double) r.authSessions() / r.smtpSessions()).isCloseTo(0.30, within(0.06));
        assertThat((double) r.nullSenders() / r.mailCommands()).isCloseTo(0.15, within(0.05));
    }

    @Test
    void manyFlowsOpensEveryConnectionBeforeAnyCloses() throws IOException {
        int flows = 3_000;
        Generated g = generate(Options.defaults(Variant.MANY_FLOWS).withFlows(flows));
        List<Packet> packets = PcapTestReader.read(g.file()).packets();
        assertThat(packets).hasSize(flows * 10);
        assertThat(g.result().packets()).isEqualTo(flows * 10L);

        Set<String> syns = new HashSet<>();
        Streams st = new Streams();
        boolean finSeen = false;
        for (Packet p : packets) {
            Frame f = TestDecoder.decode(p.data());
            st.add(f);
            if (f.has(TestDecoder.SYN) && !f.has(TestDecoder.ACK)) {
                assertThat(finSeen).as("SYN after the first FIN").isFalse();
                syns.add(f.flowKey());
            }
            if (f.has(TestDecoder.FIN)) finSeen = true;
        }
        assertThat(syns).hasSize(flows);
        long span = packets.get(packets.size() - 1).tsMicros() - packets.get(0).tsMicros();
        assertThat(span).isLessThan(300_000_000L);
        for (Streams.Stream s : st.byDirection.values()) {
            assertThat(s.fin).isTrue();
            assertThat(s.text()).matches(s.dstPort == 25 ? "EHLO c[0-9a-f]{6}\\.bench\\.example\r\n" : "(?s)220 .*250 SMTPUTF8\r\n");
        }

        Generated open = generate(Options.defaults(Variant.MANY_FLOWS).withFlows(flows).withCloseFlows(false));
        assertThat(open.result().packets()).isEqualTo(flows * 7L);
        for (Packet p : PcapTestReader.read(open.file()).packets()) {
            assertThat(TestDecoder.decode(p.data()).has(TestDecoder.FIN)).isFalse();
        }
    }

    @Test
    void synFloodSendsDistinctSynsOverAMixBackground() throws IOException {
        int syns = 20_000;
        Generated g = generate(Options.defaults(Variant.SYN_FLOOD).withSyns(syns).withConcurrency(50));
        Set<String> floodTuples = new HashSet<>();
        long floodPackets = 0, all = 0;
        for (Packet p : PcapTestReader.read(g.file()).packets()) {
            Frame f = TestDecoder.decode(p.data());
            all++;
            boolean fromInside = (f.src()[0] & 0xFF) == 10 || f.ipVersion() == 6;
            if (f.proto() == 6 && f.flags() == TestDecoder.SYN && f.dstPort() == 25 && !fromInside) {
                floodPackets++;
                floodTuples.add(f.directionKey());
            }
        }
        assertThat(floodPackets).isEqualTo(syns);
        assertThat(floodTuples).hasSize(syns);
        assertThat(g.result().synFloodPackets()).isEqualTo(syns);
        assertThat(g.result().packets()).isEqualTo(all);
        assertThat((double) (all - syns) / all).isBetween(0.07, 0.13);
        assertThat(g.result().smtpSessions()).isPositive();
    }

    @Test
    void permute24IsABijection() {
        BitSet seen = new BitSet(1 << 24);
        for (int i = 0; i < 1 << 24; i++) seen.set(Rng.permute24(i, 0x1234_5678_9ABCL));
        assertThat(seen.cardinality()).isEqualTo(1 << 24);
    }

    private static String reverse(Frame f) {
        return f.outerVid() + "/" + f.innerVid() + "|" + Arrays.toString(f.dst()) + ":" + f.dstPort() + ">"
                + Arrays.toString(f.src()) + ":" + f.srcPort();
    }

    private static long count(String s, String needle) {
        long n = 0;
        for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) n++;
        return n;
    }
}
