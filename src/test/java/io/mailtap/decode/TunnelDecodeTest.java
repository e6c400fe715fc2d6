package io.mailtap.decode;

import static io.mailtap.decode.Frames.*;
import static io.mailtap.decode.Tunnels.*;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Each encapsulation a mirror arrives in decodes to the inner SMTP packet, counted, and keyed by its tunnel id. */
class TunnelDecodeTest {
    private static final byte[] EHLO = ascii("EHLO client.example\r\n");

    private final DecodeStats stats = new DecodeStats();
    private final FrameDecoder decoder = new FrameDecoder(stats);
    private final PacketView view = new PacketView();

    private static byte[] innerV4() {
        return ipv4("192.0.2.10", "198.51.100.25", IPPROTO_TCP, tcp(49152, 25, EHLO));
    }

    private static byte[] innerV6() {
        return ipv6("2001:db8::10", "2001:db8:0:1::25", IPPROTO_TCP, tcp(40000, 587, EHLO));
    }

    private boolean decode(byte[] frame) {
        return decoder.decode(LinkType.ETHERNET, frame, frame.length, frame.length, 42L, view);
    }

    /** The frame decodes to the inner packet: inner addresses, ports and the EHLO payload. */
    private void assertInnerV4(byte[] frame) {
        assertThat(decode(frame)).as("decoded").isTrue();
        assertThat(view.ipVersion).isEqualTo(4);
        assertThat(view.srcLo & 0xFFFF_FFFFL).isEqualTo(0xC000_020AL); // 192.0.2.10, not the outer 203.0.113.1
        assertThat(view.dstPort).isEqualTo(25);
        assertThat(new String(frame, view.payloadOffset, view.payloadLength, java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo("EHLO client.example\r\n");
    }

    private SkipReason skipOf(byte[] frame) {
        assertThat(decode(frame)).isFalse();
        SkipReason found = null;
        for (SkipReason r : SkipReason.values()) if (stats.skipped(r) == 1) found = r;
        assertThat(stats.skippedTotal()).isEqualTo(1);
        return found;
    }

    @Test
    void greWithKeyAndSequenceCarriesIp() {
        assertInnerV4(outer(IPPROTO_GRE, gre(ETH_IPV4, true, 0xCAFE, 17, innerV4())));
        assertThat(view.tunnelKind).isEqualTo(TunnelKind.GRE_KEY);
        assertThat(view.tunnelId).isEqualTo(0xCAFE);
        assertThat(stats.get(DecodeCounter.ENCAP_GRE)).isEqualTo(1);
    }

    @Test
    void plainGreAndGretapCarryIpv6AndEthernet() {
        assertThat(decode(outer(IPPROTO_GRE, gre(ETH_IPV6, false, null, null, innerV6())))).isTrue();
        assertThat(view.ipVersion).isEqualTo(6);
        assertThat(view.dstPort).isEqualTo(587);
        assertThat(view.tunnelKind).isEqualTo(TunnelKind.NONE);
        // gretap: the inner frame's own VLAN tag replaces the underlay's
        byte[] underlayTagged = ethernetTagged(ETH_IPV4, ipv4(OUTER_SRC, OUTER_DST, IPPROTO_GRE,
                gre(GRE_TEB, false, 3, null, ethernetTagged(ETH_IPV4, innerV4(), TPID_8021Q, 42))), TPID_8021Q, 999);
        assertInnerV4(underlayTagged);
        assertThat(view.vlanOuter).isEqualTo(42);
        assertThat(view.tunnelId).isEqualTo(3);
    }

    @Test
    void erspanTypeOneHasNoHeaderWhenTheSequenceBitIsClear() {
        assertInnerV4(outer(IPPROTO_GRE, gre(GRE_ERSPAN_I_II, false, null, null, ethernet(ETH_IPV4, innerV4()))));
        assertThat(view.tunnelKind).isEqualTo(TunnelKind.NONE);
        assertThat(stats.get(DecodeCounter.ENCAP_ERSPAN)).isEqualTo(1);
    }

    @Test
    void erspanTypeTwoNamesItsSession() {
        assertInnerV4(outer(IPPROTO_GRE, gre(GRE_ERSPAN_I_II, false, null, 1, erspanII(0x3FF, ethernet(ETH_IPV4, innerV4())))));
        assertThat(view.tunnelKind).isEqualTo(TunnelKind.ERSPAN_SESSION);
        assertThat(view.tunnelId).isEqualTo(0x3FF);
    }

    @Test
    void erspanTypeThreeWithEthernetOrIpAndThePlatformSubheader() {
        assertInnerV4(outer(IPPROTO_GRE, gre(GRE_ERSPAN_III, false, null, 1, erspanIII(12, 0, false, ethernet(ETH_IPV4, innerV4())))));
        assertThat(view.tunnelId).isEqualTo(12);
        assertInnerV4(outer(IPPROTO_GRE, gre(GRE_ERSPAN_III, false, null, 1, erspanIII(13, 2, true, innerV4()))));
        assertThat(view.tunnelId).isEqualTo(13);
    }

    @Test
    void erspanVersionThatDoesNotMatchItsGreProtocolIsMalformed() {
        byte[] typeTwoHeaderUnderTypeThree = outer(IPPROTO_GRE, gre(GRE_ERSPAN_III, false, null, 1,
                concat(erspanII(1, ethernet(ETH_IPV4, innerV4())), new byte[4])));
        assertThat(skipOf(typeTwoHeaderUnderTypeThree)).isEqualTo(SkipReason.MALFORMED_TUNNEL);
    }

    @Test
    void vxlanAsAwsTrafficMirroringSendsIt() {
        assertInnerV4(outer(IPPROTO_UDP, udp(65000, 4789, vxlan(0x123456, ethernet(ETH_IPV4, innerV4())))));
        assertThat(view.tunnelKind).isEqualTo(TunnelKind.VXLAN_VNI);
        assertThat(view.tunnelId).isEqualTo(0x123456);
        assertThat(stats.get(DecodeCounter.ENCAP_VXLAN)).isEqualTo(1);
    }

    @Test
    void vxlanOverIpv6Underlay() {
        byte[] frame = ethernet(ETH_IPV6, ipv6("2001:db8:ff::1", "2001:db8:ff::2", IPPROTO_UDP,
                udp(1, 4789, vxlan(5, ethernet(ETH_IPV4, innerV4())))));
        assertInnerV4(frame);
        assertThat(view.tunnelId).isEqualTo(5);
    }

    @Test
    void vxlanWithoutTheVniFlagIsMalformed() {
        byte[] v = vxlan(5, ethernet(ETH_IPV4, innerV4()));
        v[0] = 0;
        assertThat(skipOf(outer(IPPROTO_UDP, udp(1, 4789, v)))).isEqualTo(SkipReason.MALFORMED_TUNNEL);
    }

    @Test
    void geneveSkipsItsVariableOptions() {
        assertInnerV4(outer(IPPROTO_UDP, udp(1, 6081, geneve(0xABCDEF, GRE_TEB, 3, ethernet(ETH_IPV4, innerV4())))));
        assertThat(view.tunnelKind).isEqualTo(TunnelKind.GENEVE_VNI);
        assertThat(view.tunnelId).isEqualTo(0xABCDEF);
        assertInnerV4(outer(IPPROTO_UDP, udp(1, 6081, geneve(9, ETH_IPV4, 0, innerV4()))));
        assertThat(stats.get(DecodeCounter.ENCAP_GENEVE)).isEqualTo(2);
    }

    @Test
    void geneveOptionsPastThePacketAreMalformedAndCutOnesTruncated() {
        byte[] g = geneve(9, ETH_IPV4, 0, innerV4());
        g[0] = 63; // 252 bytes of options in a shorter packet
        assertThat(skipOf(outer(IPPROTO_UDP, udp(1, 6081, g)))).isEqualTo(SkipReason.MALFORMED_TUNNEL);
        byte[] full = outer(IPPROTO_UDP, udp(1, 6081, geneve(9, ETH_IPV4, 4, innerV4())));
        int cut = 14 + 20 + 8 + 10; // inside the options
        assertThat(decoder.decode(LinkType.ETHERNET, full, cut, full.length, 1L, view)).isFalse();
        assertThat(stats.skipped(SkipReason.TRUNCATED_TUNNEL)).isEqualTo(1);
    }

    @Test
    void otherUdpIsStillJustNotTcp() {
        assertThat(skipOf(outer(IPPROTO_UDP, udp(1, 53, new byte[20])))).isEqualTo(SkipReason.NOT_TCP);
    }

    @Test
    void mplsStackThenIpByVersionNibble() {
        assertInnerV4(ethernet(ETH_MPLS, mpls(innerV4(), 1000, 2000, 3000)));
        assertThat(decode(ethernet(ETH_MPLS, mpls(innerV6(), 2)))).isTrue();
        assertThat(view.ipVersion).isEqualTo(6);
        assertThat(view.tunnelKind).as("labels differ per direction: not a key").isEqualTo(TunnelKind.NONE);
        assertThat(stats.get(DecodeCounter.ENCAP_MPLS)).isEqualTo(2);
    }

    @Test
    void mplsEthernetPseudowireOnlyWhenUnambiguous() {
        byte[] customerFrame = ethernetTagged(ETH_IPV4, innerV4(), TPID_8021Q, 7);
        assertInnerV4(ethernet(ETH_MPLS, mpls(concat(new byte[4] /* control word */, customerFrame), 100, 200)));
        assertThat(view.vlanOuter).isEqualTo(7);
        byte[] noControlWord = customerFrame.clone();
        noControlWord[0] = (byte) 0x20; // a unicast MAC whose first nibble is neither 4, 6 nor 0
        assertInnerV4(ethernet(ETH_MPLS, mpls(noControlWord, 100)));
        // Nibble 0 and no IP behind either reading: not guessed
        assertThat(skipOf(ethernet(ETH_MPLS, mpls(new byte[60], 100)))).isEqualTo(SkipReason.NOT_IP);
    }

    @Test
    void mplsStackWithoutBottomIsBounded() {
        byte[] labels = new byte[4 * (FrameDecoder.MAX_MPLS_LABELS + 2) + 40];
        assertThat(skipOf(ethernet(ETH_MPLS, labels))).isEqualTo(SkipReason.TUNNEL_TOO_DEEP);
    }

    @Test
    void ipInIpAndIpv6InIp() {
        assertInnerV4(outer(IPPROTO_IPIP, innerV4()));
        assertThat(decode(outer(IPPROTO_IPV6, innerV6()))).isTrue();
        assertThat(view.ipVersion).isEqualTo(6);
        assertThat(stats.get(DecodeCounter.ENCAP_IP_IN_IP)).isEqualTo(2);
    }

    @Test
    void pppoeSessionWithPaddingAfterIt() {
        byte[] frame = padTo(ethernet(ETH_PPPOE_SESSION, pppoe(0x1234, 0x0021, innerV4())), 200);
        assertInnerV4(frame);
        assertThat(view.tunnelKind).isEqualTo(TunnelKind.PPPOE_SESSION);
        assertThat(view.tunnelId).isEqualTo(0x1234);
        assertThat(decode(ethernet(ETH_PPPOE_SESSION, pppoe(1, 0x0057, innerV6())))).isTrue();
        assertThat(view.ipVersion).isEqualTo(6);
    }

    @Test
    void pppoeControlTrafficIsNotIpAndABadHeaderIsMalformed() {
        assertThat(skipOf(ethernet(ETH_PPPOE_SESSION, pppoe(1, 0xC021 /* LCP */, new byte[10])))).isEqualTo(SkipReason.NOT_IP);
        byte[] bad = pppoe(1, 0x0021, innerV4());
        bad[0] = 0x22;
        assertThat(decode(ethernet(ETH_PPPOE_SESSION, bad))).isFalse();
        assertThat(stats.skipped(SkipReason.MALFORMED_TUNNEL)).isEqualTo(1);
    }

    @Test
    void sll2CarriesTunnelsToo() {
        byte[] frame = sll2(ETH_IPV4, ipv4(OUTER_SRC, OUTER_DST, IPPROTO_UDP, udp(1, 4789, vxlan(8, ethernet(ETH_IPV4, innerV4())))));
        assertThat(decoder.decode(LinkType.LINUX_SLL2, frame, frame.length, frame.length, 1L, view)).isTrue();
        assertThat(view.dstPort).isEqualTo(25);
        assertThat(view.tunnelId).isEqualTo(8);
    }

    @Test
    void nestingIsBoundedAndCounted() {
        byte[] p = innerV4();
        for (int i = 0; i < FrameDecoder.MAX_TUNNEL_DEPTH; i++) p = ipv4(OUTER_SRC, OUTER_DST, IPPROTO_IPIP, p);
        assertThat(decoder.decode(LinkType.RAW, p, p.length, p.length, 1L, view)).as("at the limit").isTrue();
        p = ipv4(OUTER_SRC, OUTER_DST, IPPROTO_IPIP, p);
        assertThat(decoder.decode(LinkType.RAW, p, p.length, p.length, 1L, view)).isFalse();
        assertThat(stats.skipped(SkipReason.TUNNEL_TOO_DEEP)).isEqualTo(1);
    }

    @Test
    void theOutermostTunnelIdNamesTheSession() {
        byte[] tenant = ethernet(ETH_IPV4, ipv4("10.0.0.1", "10.0.0.2", IPPROTO_UDP, udp(1, 6081, geneve(222, ETH_IPV4, 0, innerV4()))));
        assertInnerV4(outer(IPPROTO_UDP, udp(1, 4789, vxlan(111, tenant))));
        assertThat(view.tunnelKind).isEqualTo(TunnelKind.VXLAN_VNI);
        assertThat(view.tunnelId).isEqualTo(111);
    }

    @Test
    void sameInnerFiveTupleInTwoVnisHasTwoScopesAndUntunnelledKeepsTheVlanKey() {
        assertThat(decode(outer(IPPROTO_UDP, udp(1, 4789, vxlan(1, ethernet(ETH_IPV4, innerV4())))))).isTrue();
        long first = view.scopeKey();
        assertThat(decode(outer(IPPROTO_UDP, udp(1, 4789, vxlan(2, ethernet(ETH_IPV4, innerV4())))))).isTrue();
        assertThat(view.scopeKey()).isNotEqualTo(first);
        assertThat(decode(outer(IPPROTO_GRE, gre(ETH_IPV4, false, 1, null, innerV4())))).isTrue();
        assertThat(view.scopeKey()).as("same id, other kind").isNotEqualTo(first);
        assertThat(decode(ethernetTagged(ETH_IPV4, innerV4(), TPID_8021AD, 200, TPID_8021Q, 300))).isTrue();
        assertThat(view.scopeKey()).isEqualTo(view.vlanKey());
    }

    /** The fuzz seeds of the tunnels really reach TCP, so the fuzzer starts from deep inside them. */
    @Test
    void theFuzzSeedsOfEveryTunnelDecode() throws Exception {
        java.nio.file.Path dir = java.nio.file.Path.of("src/test/resources/io/mailtap/fuzz/FrameDecodeFuzzTestInputs/frame");
        int seeds = 0;
        try (var files = java.nio.file.Files.newDirectoryStream(dir, "tunnel-*")) {
            for (java.nio.file.Path f : files) {
                byte[] in = java.nio.file.Files.readAllBytes(f);
                byte[] frame = java.util.Arrays.copyOfRange(in, 1, in.length);
                assertThat(decode(frame)).as(f.getFileName().toString()).isTrue();
                assertThat(view.dstPort).isIn(25, 587);
                seeds++;
            }
        }
        assertThat(seeds).isEqualTo(8);
    }
}
