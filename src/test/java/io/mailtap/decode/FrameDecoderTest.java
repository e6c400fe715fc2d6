package io.mailtap.decode;

import static io.mailtap.decode.Frames.*;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FrameDecoderTest {
    private static final byte[] EHLO = ascii("EHLO client.example\r\n");

    private final DecodeStats stats = new DecodeStats();
    private final FrameDecoder decoder = new FrameDecoder(stats);
    private final PacketView view = new PacketView();

    private boolean decode(int linkType, byte[] frame) {
        return decoder.decode(linkType, frame, frame.length, frame.length, 42L, view);
    }

    private SkipReason skipOf(int linkType, byte[] frame) {
        DecodeStats before = snapshot();
        assertThat(decode(linkType, frame)).as("decoded unexpectedly").isFalse();
        SkipReason found = null;
        for (SkipReason r : SkipReason.values()) {
            long delta = stats.skipped(r) - before.skipped(r);
            if (delta != 0) {
                assertThat(found).as("more than one reason counted").isNull();
                assertThat(delta).isEqualTo(1);
                found = r;
            }
        }
        assertThat(found).as("no reason counted").isNotNull();
        return found;
    }

    private DecodeStats snapshot() {
        DecodeStats copy = new DecodeStats();
        stats.addTo(copy);
        return copy;
    }

    private static long v4Lo(String a) {
        byte[] b = addr(a);
        return 0x0000_FFFF_0000_0000L | ((b[0] & 0xFFL) << 24) | ((b[1] & 0xFFL) << 16) | ((b[2] & 0xFFL) << 8) | (b[3] & 0xFFL);
    }

    private static long hi(String v6) { return java.nio.ByteBuffer.wrap(addr(v6)).getLong(0); }

    private static long lo(String v6) { return java.nio.ByteBuffer.wrap(addr(v6)).getLong(8); }

    private static byte[] smtpV4() {
        return ipv4("192.0.2.10", "198.51.100.25", IPPROTO_TCP,
                tcp(49152, 25, 0xFFFF_FFF0, 0x8000_0001, PacketView.PSH | PacketView.ACK, 513, 0, EHLO));
    }

    private static byte[] smtpV6(byte[] extensionsThenTcp, int firstNext) {
        return ipv6("2001:db8::10", "2001:db8:0:1::25", firstNext, extensionsThenTcp);
    }

    // ---------------------------------------------------------------- Ethernet / IPv4 / TCP fields

    @Test
    void decodesEthernetIpv4TcpFields() {
        byte[] frame = ethernet(ETH_IPV4, smtpV4());

        assertThat(decode(LinkType.ETHERNET, frame)).isTrue();

        assertThat(view.frame).isSameAs(frame);
        assertThat(view.tsMicros).isEqualTo(42L);
        assertThat(view.capturedLength).isEqualTo(frame.length);
        assertThat(view.wireLength).isEqualTo(frame.length);
        assertThat(view.ipVersion).isEqualTo(4);
        assertThat(view.ttl).isEqualTo(64);
        assertThat(view.srcHi).isZero();
        assertThat(view.srcLo).isEqualTo(v4Lo("192.0.2.10")).isEqualTo(0x0000_FFFF_C000_020AL);
        assertThat(view.dstHi).isZero();
        assertThat(view.dstLo).isEqualTo(v4Lo("198.51.100.25"));
        assertThat(view.srcPort).isEqualTo(49152);
        assertThat(view.dstPort).isEqualTo(25);
        assertThat(view.seq).isEqualTo(0xFFFF_FFF0);
        assertThat(view.ack).isEqualTo(0x8000_0001);
        assertThat(view.tcpFlags).isEqualTo(PacketView.PSH | PacketView.ACK);
        assertThat(view.ack()).isTrue();
        assertThat(view.syn()).isFalse();
        assertThat(view.window).isEqualTo(513);
        assertThat(view.vlanOuter).isZero();
        assertThat(view.vlanInner).isZero();
        assertThat(view.payloadOffset).isEqualTo(14 + 20 + 20);
        assertThat(view.payloadLength).isEqualTo(EHLO.length);
        assertThat(view.segmentLength).isEqualTo(EHLO.length);
        assertThat(new String(frame, view.payloadOffset, view.payloadLength, java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo("EHLO client.example\r\n");

        assertThat(stats.get(DecodeCounter.FRAMES)).isEqualTo(1);
        assertThat(stats.get(DecodeCounter.BYTES)).isEqualTo(frame.length);
        assertThat(stats.get(DecodeCounter.DECODED_TCP)).isEqualTo(1);
        assertThat(stats.get(DecodeCounter.TRUNCATED_FRAMES)).isZero();
        assertThat(stats.skippedTotal()).isZero();
    }

    @Test
    void ignoresEthernetPaddingAfterTheIpTotalLength() {
        byte[] bare = ethernet(ETH_IPV4, ipv4("10.0.0.1", "10.0.0.2", IPPROTO_TCP, tcp(1025, 25, new byte[0])));
        byte[] padded = padTo(bare, 60);
        assertThat(padded.length).isGreaterThan(bare.length);

        assertThat(decode(LinkType.ETHERNET, padded)).isTrue();

        assertThat(view.payloadLength).isZero();
        assertThat(view.segmentLength).isZero();
    }

    @Test
    void skipsIpv4AndTcpOptions() {
        byte[] seg = tcp(25, 1025, 7, 8, PacketView.SYN | PacketView.ACK, 100, 3, EHLO);
        byte[] frame = ethernet(ETH_IPV4, ipv4("10.0.0.1", "10.0.0.2", IPPROTO_TCP, 2, 0, seg));

        assertThat(decode(LinkType.ETHERNET, frame)).isTrue();

        assertThat(view.payloadOffset).isEqualTo(14 + 28 + 32);
        assertThat(view.payloadLength).isEqualTo(EHLO.length);
        assertThat(view.syn()).isTrue();
        assertThat(view.srcPort).isEqualTo(25);
    }

    @Test
    void ignoresBytesInABufferBeyondTheCapturedLength() {
        byte[] frame = ethernet(ETH_IPV4, smtpV4());
        byte[] buffer = java.util.Arrays.copyOf(frame, frame.length + 500);
        java.util.Arrays.fill(buffer, frame.length, buffer.length, (byte) 0x55);

        assertThat(decoder.decode(LinkType.ETHERNET, buffer, frame.length, frame.length, 0, view)).isTrue();

        assertThat(view.capturedLength).isEqualTo(frame.length);
        assertThat(view.payloadLength).isEqualTo(EHLO.length);
    }

    // ---------------------------------------------------------------- VLAN

    @Test
    void decodesSingle8021qTag() {
        byte[] frame = ethernetTagged(ETH_IPV4, smtpV4(), TPID_8021Q, 100);

        assertThat(decode(LinkType.ETHERNET, frame)).isTrue();

        assertThat(view.vlanOuter).isEqualTo(100);
        assertThat(view.vlanInner).isZero();
        assertThat(view.payloadOffset).isEqualTo(18 + 40);
        assertThat(view.dstPort).isEqualTo(25);
    }

    @Test
    void decodesQinQWith8021adOuterTag() {
        byte[] frame = ethernetTagged(ETH_IPV6, smtpV6(tcp(40000, 587, EHLO), IPPROTO_TCP), TPID_8021AD, 200, TPID_8021Q, 4095);

        assertThat(decode(LinkType.ETHERNET, frame)).isTrue();

        assertThat(view.vlanOuter).isEqualTo(200);
        assertThat(view.vlanInner).isEqualTo(4095);
        assertThat(view.vlanKey()).isEqualTo((200 << 12) | 4095);
        assertThat(view.ipVersion).isEqualTo(6);
        assertThat(view.payloadOffset).isEqualTo(22 + 40 + 20);
    }

    @Test
    void decodesLegacy9100QinQ() {
        byte[] frame = ethernetTagged(ETH_IPV4, smtpV4(), TPID_QINQ, 7, TPID_8021Q, 8);

        assertThat(decode(LinkType.ETHERNET, frame)).isTrue();

        assertThat(view.vlanOuter).isEqualTo(7);
        assertThat(view.vlanInner).isEqualTo(8);
    }

    @Test
    void countsAThirdVlanTag() {
        byte[] frame = ethernetTagged(ETH_IPV4, smtpV4(), TPID_8021AD, 1, TPID_8021Q, 2, TPID_8021Q, 3);

        assertThat(skipOf(LinkType.ETHERNET, frame)).isEqualTo(SkipReason.TOO_MANY_VLAN_TAGS);
    }

    @Test
    void clearsVlanTagsOfThePreviousPacket() {
        assertThat(decode(LinkType.ETHERNET, ethernetTagged(ETH_IPV4, smtpV4(), TPID_8021Q, 100))).isTrue();
        assertThat(decode(LinkType.ETHERNET, ethernet(ETH_IPV4, smtpV4()))).isTrue();

        assertThat(view.vlanOuter).isZero();
    }

    @Test
    void skipsNonIpEthertypes() {
        assertThat(skipOf(LinkType.ETHERNET, padTo(ethernet(ETH_ARP, new byte[28]), 60))).isEqualTo(SkipReason.NOT_IP);
        // 802.3 length field followed by LLC
        assertThat(skipOf(LinkType.ETHERNET, ethernet(0x0026, new byte[46]))).isEqualTo(SkipReason.NOT_IP);
        assertThat(skipOf(LinkType.ETHERNET, ethernetTagged(ETH_ARP, new byte[28], TPID_8021Q, 5))).isEqualTo(SkipReason.NOT_IP);
    }

    // ---------------------------------------------------------------- other link types

    @Test
    void decodesLinuxCookedV1() {
        assertThat(decode(LinkType.LINUX_SLL, sll(ETH_IPV4, smtpV4()))).isTrue();
        assertThat(view.payloadOffset).isEqualTo(16 + 40);
        assertThat(view.dstLo).isEqualTo(v4Lo("198.51.100.25"));
    }

    @Test
    void decodesLinuxCookedV1WithVlanTag() {
        byte[] frame = sll(TPID_8021Q, tagged(ETH_IPV4, smtpV4(), TPID_8021Q, 33));

        assertThat(decode(LinkType.LINUX_SLL, frame)).isTrue();

        assertThat(view.vlanOuter).isEqualTo(33);
        assertThat(view.payloadOffset).isEqualTo(16 + 4 + 40);
    }

    @Test
    void decodesLinuxCookedV2() {
        byte[] frame = sll2(ETH_IPV6, smtpV6(tcp(40000, 25, EHLO), IPPROTO_TCP));

        assertThat(decode(LinkType.LINUX_SLL2, frame)).isTrue();

        assertThat(view.ipVersion).isEqualTo(6);
        assertThat(view.payloadOffset).isEqualTo(20 + 60);
    }

    @Test
    void decodesLinuxCookedV2WithQinQ() {
        byte[] frame = sll2(TPID_8021AD, tagged(ETH_IPV4, smtpV4(), TPID_8021AD, 10, TPID_8021Q, 20));

        assertThat(decode(LinkType.LINUX_SLL2, frame)).isTrue();

        assertThat(view.vlanOuter).isEqualTo(10);
        assertThat(view.vlanInner).isEqualTo(20);
    }

    @Test
    void rawIpLetsTheVersionNibbleDecide() {
        byte[] v6 = smtpV6(tcp(40000, 25, EHLO), IPPROTO_TCP);
        for (int dlt : new int[] {LinkType.RAW, LinkType.DLT_RAW_BSD, LinkType.DLT_RAW_OPENBSD}) {
            assertThat(decode(dlt, smtpV4())).as("v4 on %d", dlt).isTrue();
            assertThat(view.ipVersion).isEqualTo(4);
            assertThat(view.payloadOffset).isEqualTo(40);
            assertThat(decode(dlt, v6)).as("v6 on %d", dlt).isTrue();
            assertThat(view.ipVersion).isEqualTo(6);
        }
        byte[] notIp = smtpV4().clone();
        notIp[0] = 0x55;
        assertThat(skipOf(LinkType.RAW, notIp)).isEqualTo(SkipReason.MALFORMED_IP);
    }

    @Test
    void ipv4AndIpv6LinkTypesRequireTheirVersion() {
        byte[] v6 = smtpV6(tcp(40000, 25, EHLO), IPPROTO_TCP);
        assertThat(decode(LinkType.IPV4, smtpV4())).isTrue();
        assertThat(decode(LinkType.IPV6, v6)).isTrue();
        assertThat(skipOf(LinkType.IPV4, v6)).isEqualTo(SkipReason.MALFORMED_IP);
        assertThat(skipOf(LinkType.IPV6, smtpV4())).isEqualTo(SkipReason.MALFORMED_IP);
        assertThat(skipOf(LinkType.ETHERNET, ethernet(ETH_IPV4, v6))).isEqualTo(SkipReason.MALFORMED_IP);
    }

    @Test
    void bsdNullReadsTheFamilyInEitherByteOrder() {
        byte[] v6 = smtpV6(tcp(40000, 25, EHLO), IPPROTO_TCP);
        for (boolean little : new boolean[] {true, false}) {
            assertThat(decode(LinkType.NULL, bsdNull(2, little, smtpV4()))).isTrue();
            assertThat(view.ipVersion).isEqualTo(4);
            assertThat(view.payloadOffset).isEqualTo(4 + 40);
            for (int af6 : new int[] {24, 28, 30}) {
                assertThat(decode(LinkType.NULL, bsdNull(af6, little, v6))).as("AF %d little=%s", af6, little).isTrue();
                assertThat(view.ipVersion).isEqualTo(6);
            }
            assertThat(skipOf(LinkType.NULL, bsdNull(7, little, smtpV4()))).isEqualTo(SkipReason.NOT_IP);
        }
    }

    @Test
    void loopIsNetworkOrderOnly() {
        assertThat(decode(LinkType.LOOP, loop(2, smtpV4()))).isTrue();
        assertThat(decode(LinkType.LOOP, loop(24, smtpV6(tcp(40000, 25, EHLO), IPPROTO_TCP)))).isTrue();
        assertThat(skipOf(LinkType.LOOP, bsdNull(2, true, smtpV4()))).isEqualTo(SkipReason.NOT_IP);
    }

    @Test
    void countsUnsupportedLinkType() {
        assertThat(skipOf(105 /* 802.11 */, ethernet(ETH_IPV4, smtpV4()))).isEqualTo(SkipReason.UNSUPPORTED_LINK_TYPE);
        assertThat(skipOf(-1, new byte[0])).isEqualTo(SkipReason.UNSUPPORTED_LINK_TYPE);
    }

    // ---------------------------------------------------------------- IPv4 validation

    @Test
    void countsIpv4Fragments() {
        byte[] seg = tcp(1025, 25, EHLO);
        assertThat(skipOf(LinkType.RAW, ipv4("10.0.0.1", "10.0.0.2", IPPROTO_TCP, 0, 0x2000, seg)))
                .as("first fragment, MF set").isEqualTo(SkipReason.IP_FRAGMENT);
        assertThat(skipOf(LinkType.RAW, ipv4("10.0.0.1", "10.0.0.2", IPPROTO_TCP, 0, 0x0005, seg)))
                .as("last fragment, offset 40").isEqualTo(SkipReason.IP_FRAGMENT);
        assertThat(skipOf(LinkType.RAW, ipv4("10.0.0.1", "10.0.0.2", IPPROTO_UDP, 0, 0x2000, new byte[16])))
                .as("non-TCP fragment").isEqualTo(SkipReason.IP_FRAGMENT);
        assertThat(decode(LinkType.RAW, ipv4("10.0.0.1", "10.0.0.2", IPPROTO_TCP, 0, 0x4000, seg)))
                .as("DF alone is not a fragment").isTrue();
    }

    @Test
    void countsNonTcp() {
        assertThat(skipOf(LinkType.RAW, ipv4("10.0.0.1", "10.0.0.2", IPPROTO_UDP, new byte[8]))).isEqualTo(SkipReason.NOT_TCP);
        assertThat(skipOf(LinkType.RAW, ipv4("10.0.0.1", "10.0.0.2", 1, new byte[8]))).isEqualTo(SkipReason.NOT_TCP);
    }

    @Test
    void rejectsBadIpv4Lengths() {
        byte[] ihlTooSmall = smtpV4().clone();
        ihlTooSmall[0] = 0x44;
        assertThat(skipOf(LinkType.RAW, ihlTooSmall)).isEqualTo(SkipReason.MALFORMED_IP);

        byte[] totalBelowHeader = smtpV4().clone();
        put16(totalBelowHeader, 2, 19);
        assertThat(skipOf(LinkType.RAW, totalBelowHeader)).isEqualTo(SkipReason.MALFORMED_IP);

        byte[] ihlPastCapture = ipv4("10.0.0.1", "10.0.0.2", IPPROTO_TCP, new byte[0]);
        ihlPastCapture[0] = 0x4F; // 60-byte header in a 20-byte packet
        assertThat(skipOf(LinkType.RAW, ihlPastCapture)).isEqualTo(SkipReason.TRUNCATED_IP);
    }

    @Test
    void rejectsTcpHeaderThatDoesNotFitTheIpPacket() {
        byte[] tinyTotal = smtpV4().clone();
        put16(tinyTotal, 2, 30); // 10 bytes of "TCP"
        assertThat(skipOf(LinkType.RAW, tinyTotal)).isEqualTo(SkipReason.MALFORMED_TCP);

        byte[] dataOffset4 = smtpV4().clone();
        dataOffset4[20 + 12] = 0x40;
        assertThat(skipOf(LinkType.RAW, dataOffset4)).isEqualTo(SkipReason.MALFORMED_TCP);

        byte[] dataOffsetPastPacket = ipv4("10.0.0.1", "10.0.0.2", IPPROTO_TCP, tcp(1, 2, new byte[8]));
        dataOffsetPastPacket[20 + 12] = (byte) 0xF0; // 60-byte header, 28 bytes of TCP
        assertThat(skipOf(LinkType.RAW, dataOffsetPastPacket)).isEqualTo(SkipReason.MALFORMED_TCP);
    }

    @Test
    void decodesSuperFramesLargerThanTheMtu() {
        byte[] big = new byte[40_000];
        big[39_999] = 'x';
        byte[] frame = ethernet(ETH_IPV4, ipv4("10.0.0.1", "10.0.0.2", IPPROTO_TCP, tcp(1025, 25, big)));

        assertThat(decode(LinkType.ETHERNET, frame)).isTrue();

        assertThat(view.payloadLength).isEqualTo(40_000);
        assertThat(view.segmentLength).isEqualTo(40_000);
        assertThat(frame[view.payloadOffset + view.payloadLength - 1]).isEqualTo((byte) 'x');
    }

    @Test
    void takesTheFrameLengthWhenTsoLeftTheIpv4TotalLengthZero() {
        byte[] big = new byte[70_000]; // more than a 16-bit total length can say
        byte[] frame = ethernet(ETH_IPV4, ipv4("10.0.0.1", "10.0.0.2", IPPROTO_TCP, tcp(1025, 25, big)));
        put16(frame, 14 + 2, 0);

        assertThat(decode(LinkType.ETHERNET, frame)).isTrue();

        assertThat(view.payloadLength).isEqualTo(70_000);
        assertThat(view.segmentLength).isEqualTo(70_000);
    }

    // ---------------------------------------------------------------- IPv6

    @Test
    void decodesIpv6AddressesAndHopLimit() {
        assertThat(decode(LinkType.ETHERNET, ethernet(ETH_IPV6, smtpV6(tcp(40000, 25, EHLO), IPPROTO_TCP)))).isTrue();

        assertThat(view.srcHi).isEqualTo(hi("2001:db8::10")).isEqualTo(0x2001_0DB8_0000_0000L);
        assertThat(view.srcLo).isEqualTo(lo("2001:db8::10")).isEqualTo(0x10L);
        assertThat(view.dstHi).isEqualTo(hi("2001:db8:0:1::25"));
        assertThat(view.dstLo).isEqualTo(lo("2001:db8:0:1::25"));
        assertThat(view.ttl).isEqualTo(57);
        assertThat(view.payloadLength).isEqualTo(EHLO.length);
    }

    @Test
    void walksHopByHopAndDestinationOptions() {
        byte[] chain = concat(optionsHeader(DEST_OPTS, 0), optionsHeader(IPPROTO_TCP, 2), tcp(40000, 25, EHLO));
        byte[] frame = ethernet(ETH_IPV6, smtpV6(chain, HOP_BY_HOP));

        assertThat(decode(LinkType.ETHERNET, frame)).isTrue();

        assertThat(view.payloadOffset).isEqualTo(14 + 40 + 8 + 24 + 20);
        assertThat(view.payloadLength).isEqualTo(EHLO.length);
        assertThat(view.dstPort).isEqualTo(25);
    }

    @Test
    void walksRoutingAndAuthenticationHeaders() {
        byte[] chain = concat(optionsHeader(AH, 1), authHeader(IPPROTO_TCP), tcp(40000, 25, EHLO));

        assertThat(decode(LinkType.IPV6, smtpV6(chain, ROUTING))).isTrue();

        assertThat(view.payloadOffset).isEqualTo(40 + 16 + 24 + 20);
    }

    @Test
    void decodesAtomicFragmentButCountsRealOnes() {
        byte[] seg = tcp(40000, 25, EHLO);
        assertThat(decode(LinkType.IPV6, smtpV6(concat(fragmentHeader(IPPROTO_TCP, 0, false), seg), FRAGMENT)))
                .as("atomic fragment").isTrue();
        assertThat(view.payloadOffset).isEqualTo(40 + 8 + 20);

        assertThat(skipOf(LinkType.IPV6, smtpV6(concat(fragmentHeader(IPPROTO_TCP, 0, true), seg), FRAGMENT)))
                .isEqualTo(SkipReason.IP_FRAGMENT);
        assertThat(skipOf(LinkType.IPV6, smtpV6(concat(fragmentHeader(IPPROTO_TCP, 185, false), seg), FRAGMENT)))
                .isEqualTo(SkipReason.IP_FRAGMENT);
        assertThat(skipOf(LinkType.IPV6, smtpV6(concat(optionsHeader(FRAGMENT, 0), fragmentHeader(IPPROTO_TCP, 1, true), seg), HOP_BY_HOP)))
                .isEqualTo(SkipReason.IP_FRAGMENT);
    }

    @Test
    void capsTheExtensionHeaderChain() {
        byte[] seg = tcp(40000, 25, EHLO);
        byte[] eight = seg;
        for (int i = 0; i < FrameDecoder.MAX_IPV6_EXTENSION_HEADERS; i++) {
            eight = concat(optionsHeader(i == 0 ? IPPROTO_TCP : DEST_OPTS, 0), eight);
        }
        assertThat(decode(LinkType.IPV6, smtpV6(eight, DEST_OPTS))).isTrue();

        byte[] nine = concat(optionsHeader(DEST_OPTS, 0), eight);
        assertThat(skipOf(LinkType.IPV6, smtpV6(nine, DEST_OPTS))).isEqualTo(SkipReason.MALFORMED_IPV6_EXTENSION);
    }

    @Test
    void rejectsHopByHopAfterTheFirstHeader() {
        byte[] chain = concat(optionsHeader(HOP_BY_HOP, 0), optionsHeader(IPPROTO_TCP, 0), tcp(40000, 25, EHLO));

        assertThat(skipOf(LinkType.IPV6, smtpV6(chain, DEST_OPTS))).isEqualTo(SkipReason.MALFORMED_IPV6_EXTENSION);
    }

    @Test
    void rejectsExtensionHeaderLongerThanThePayloadLength() {
        byte[] packet = smtpV6(concat(optionsHeader(IPPROTO_TCP, 0), tcp(40000, 25, EHLO)), DEST_OPTS);
        packet[40 + 1] = (byte) 200; // claims 1608 bytes

        assertThat(skipOf(LinkType.IPV6, packet)).isEqualTo(SkipReason.MALFORMED_IPV6_EXTENSION);
    }

    @Test
    void countsNoNextHeaderAndOtherProtocolsAsNotTcp() {
        assertThat(skipOf(LinkType.IPV6, smtpV6(new byte[0], NO_NEXT))).isEqualTo(SkipReason.NOT_TCP);
        assertThat(skipOf(LinkType.IPV6, smtpV6(optionsHeader(NO_NEXT, 0), DEST_OPTS))).isEqualTo(SkipReason.NOT_TCP);
        assertThat(skipOf(LinkType.IPV6, smtpV6(new byte[8], IPPROTO_UDP))).isEqualTo(SkipReason.NOT_TCP);
        assertThat(skipOf(LinkType.IPV6, smtpV6(new byte[8], 58))).isEqualTo(SkipReason.NOT_TCP);
    }

    @Test
    void treatsJumbogramAsMalformed() {
        byte[] jumbo = smtpV6(concat(optionsHeader(IPPROTO_TCP, 0), tcp(40000, 25, EHLO)), HOP_BY_HOP);
        put16(jumbo, 4, 0);

        assertThat(skipOf(LinkType.IPV6, jumbo)).isEqualTo(SkipReason.MALFORMED_IP);
    }

    // ---------------------------------------------------------------- truncation

    @Test
    void snaplenCutInsidePayloadKeepsTheClaimedSegmentLength() {
        byte[] frame = ethernet(ETH_IPV4, smtpV4());
        int cut = 14 + 40 + 5;

        assertThat(decoder.decode(LinkType.ETHERNET, frame, cut, frame.length, 0, view)).isTrue();

        assertThat(view.capturedLength).isEqualTo(cut);
        assertThat(view.wireLength).isEqualTo(frame.length);
        assertThat(view.payloadLength).isEqualTo(5);
        assertThat(view.segmentLength).isEqualTo(EHLO.length);
        assertThat(stats.get(DecodeCounter.TRUNCATED_FRAMES)).isEqualTo(1);
    }

    @Test
    void ipLengthBeyondTheWireIsNotReportedAsMissedData() {
        byte[] frame = ethernet(ETH_IPV4, smtpV4());
        put16(frame, 14 + 2, 1400);

        assertThat(decode(LinkType.ETHERNET, frame)).isTrue();

        assertThat(view.payloadLength).isEqualTo(EHLO.length);
        assertThat(view.segmentLength).isEqualTo(EHLO.length);
    }

    /** A frame and the offsets where its link header, IP headers and TCP header end. */
    private record Layout(String name, int linkType, byte[] frame, int linkEnd, int ipEnd, int tcpEnd) {}

    private static Layout[] layouts() {
        byte[] v4 = ipv4("10.1.1.1", "10.2.2.2", IPPROTO_TCP, 1, 0, tcp(1025, 25, 1, 2, 0x18, 100, 2, EHLO));
        byte[] v6 = smtpV6(concat(optionsHeader(DEST_OPTS, 0), optionsHeader(IPPROTO_TCP, 1), tcp(1025, 25, 1, 2, 0x18, 100, 1, EHLO)), HOP_BY_HOP);
        int v4Tcp = 24 + 28;
        int v6Tcp = 40 + 8 + 16 + 24;
        return new Layout[] {
            new Layout("eth/v4", LinkType.ETHERNET, ethernet(ETH_IPV4, v4), 14, 14 + 24, 14 + v4Tcp),
            new Layout("qinq/v6", LinkType.ETHERNET, ethernetTagged(ETH_IPV6, v6, TPID_8021AD, 9, TPID_8021Q, 10), 22, 22 + 64, 22 + v6Tcp),
            new Layout("sll/vlan/v4", LinkType.LINUX_SLL, sll(TPID_8021Q, tagged(ETH_IPV4, v4, TPID_8021Q, 3)), 20, 20 + 24, 20 + v4Tcp),
            new Layout("sll2/v6", LinkType.LINUX_SLL2, sll2(ETH_IPV6, v6), 20, 20 + 64, 20 + v6Tcp),
            new Layout("null/v6", LinkType.NULL, bsdNull(30, true, v6), 4, 4 + 64, 4 + v6Tcp),
            new Layout("loop/v4", LinkType.LOOP, loop(2, v4), 4, 4 + 24, 4 + v4Tcp),
            new Layout("raw/v4", LinkType.RAW, v4, 0, 24, v4Tcp),
            new Layout("raw/v6", LinkType.IPV6, v6, 0, 64, v6Tcp),
        };
    }

    @Test
    void classifiesEveryTruncationPointOfRealFrames() {
        for (Layout l : layouts()) {
            int full = l.frame().length;
            assertThat(decode(l.linkType(), l.frame())).as(l.name()).isTrue();
            assertThat(view.payloadOffset).as(l.name()).isEqualTo(l.tcpEnd());
            for (boolean snaplen : new boolean[] {true, false}) {
                for (int cut = 0; cut <= full; cut++) {
                    // snaplen: the record keeps the wire length; otherwise the frame simply ends early
                    int wire = snaplen ? full : cut;
                    long truncatedBefore = stats.get(DecodeCounter.TRUNCATED_FRAMES);
                    boolean ok = decoder.decode(l.linkType(), l.frame(), cut, wire, 0, view);
                    String what = l.name() + " cut at " + cut + (snaplen ? " (snaplen)" : " (short frame)");
                    assertThat(stats.get(DecodeCounter.TRUNCATED_FRAMES) - truncatedBefore).as(what).isEqualTo(snaplen && cut < full ? 1 : 0);
                    if (cut < l.linkEnd()) {
                        assertThat(lastReason(ok)).as(what).isEqualTo(SkipReason.TRUNCATED_LINK);
                    } else if (cut < l.ipEnd()) {
                        assertThat(lastReason(ok)).as(what).isEqualTo(SkipReason.TRUNCATED_IP);
                    } else if (cut < l.ipEnd() + 20) {
                        assertThat(lastReason(ok)).as(what).isEqualTo(SkipReason.TRUNCATED_TCP);
                    } else {
                        // the fixed TCP header is enough to follow the connection, even with the options cut
                        assertThat(ok).as(what).isTrue();
                        assertThat(view.payloadOffset).as(what).isEqualTo(Math.min(l.tcpEnd(), cut));
                        assertThat(view.payloadLength).as(what).isEqualTo(Math.max(0, cut - l.tcpEnd()));
                        assertThat(view.segmentLength).as(what).isEqualTo(snaplen ? EHLO.length : Math.max(0, cut - l.tcpEnd()));
                    }
                }
            }
        }
        assertThat(stats.get(DecodeCounter.FRAMES)).isEqualTo(stats.get(DecodeCounter.DECODED_TCP) + stats.skippedTotal());
    }

    private final long[] lastCounts = new long[SkipReason.values().length];

    /** The reason counted by the decode call just made (and checks it was exactly one). */
    private SkipReason lastReason(boolean ok) {
        assertThat(ok).isFalse();
        SkipReason found = null;
        int changed = 0;
        for (SkipReason r : SkipReason.values()) {
            if (stats.skipped(r) != lastCounts[r.ordinal()]) { found = r; changed++; }
            lastCounts[r.ordinal()] = stats.skipped(r);
        }
        // counts of earlier successful decodes do not move skip counters, so one change is exact
        assertThat(changed).isEqualTo(1);
        return found;
    }

    @Test
    void survivesNullAndNonsenseLengths() {
        assertThat(decoder.decode(LinkType.ETHERNET, null, 100, 100, 0, view)).isFalse();
        assertThat(decoder.decode(LinkType.ETHERNET, new byte[10], -5, -5, 0, view)).isFalse();
        byte[] frame = ethernet(ETH_IPV4, smtpV4());
        assertThat(decoder.decode(LinkType.ETHERNET, frame, frame.length + 1000, 3, 0, view)).isTrue();
        assertThat(view.capturedLength).isEqualTo(frame.length);
        assertThat(view.wireLength).isEqualTo(frame.length);

        assertThat(stats.skipped(SkipReason.TRUNCATED_LINK)).isEqualTo(2);
        assertThat(stats.get(DecodeCounter.FRAMES)).isEqualTo(3);
        assertThat(stats.get(DecodeCounter.TRUNCATED_FRAMES)).as("only the null frame: 0 of 100 bytes captured").isEqualTo(1);
        assertThat(stats.get(DecodeCounter.BYTES)).isEqualTo(100 + frame.length);
    }
}
