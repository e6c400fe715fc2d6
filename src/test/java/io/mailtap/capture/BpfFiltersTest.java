package io.mailtap.capture;

import static io.mailtap.decode.Frames.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailtap.decode.LinkType;
import io.mailtap.decode.Tunnels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BpfFiltersTest {
    @TempDir Path dir;

    private static final String TUNNELS = "udp dst port 4789 or udp dst port 6081 or proto 47 or proto 4 or proto 41"
            + " or ether proto 0x8847 or ether proto 0x8848 or ether proto 0x8864";

    @Test
    void nestsTheVlanLevelsForOnePort() {
        String level = "(tcp port 25 or " + TUNNELS + ")";
        assertThat(BpfFilters.smtpFilter(25))
                .isEqualTo(level + " or (vlan and (" + level + " or (vlan and " + level + ")))");
    }

    @Test
    void groupsSeveralPortsAndDropsDuplicates() {
        String level = "((tcp port 25 or tcp port 587 or tcp port 465) or " + TUNNELS + ")";
        assertThat(BpfFilters.smtpFilter(25, 587, 465, 25))
                .isEqualTo(level + " or (vlan and (" + level + " or (vlan and " + level + ")))");
    }

    @Test
    void rejectsBadPorts() {
        assertThatThrownBy(() -> BpfFilters.smtpFilter()).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BpfFilters.smtpFilter((int[]) null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> BpfFilters.smtpFilter(25, 0)).hasMessageContaining("0");
        assertThatThrownBy(() -> BpfFilters.smtpFilter(65_536)).hasMessageContaining("65536");
    }

    @Test
    void compilesForEveryLinkTypeWeDecode() {
        int[] ports = {25, 587};
        for (int dlt : new int[] {LinkType.ETHERNET, LinkType.LINUX_SLL, LinkType.LINUX_SLL2, LinkType.RAW,
                LinkType.NULL, LinkType.LOOP, LinkType.IPV4, LinkType.IPV6}) {
            String filter = BpfFilters.smtpFilterFor(dlt, ports);
            assertThatCode(() -> BpfFilters.validate(filter, dlt)).as("DLT %d: %s", dlt, filter).doesNotThrowAnyException();
        }
        assertThat(BpfFilters.smtpFilterFor(LinkType.ETHERNET, ports)).isEqualTo(BpfFilters.smtpFilter(ports));
        assertThat(BpfFilters.smtpFilterFor(LinkType.LINUX_SLL, ports)).startsWith("(tcp port 25 or tcp port 587) or udp dst port 4789");
        for (int dlt : new int[] {LinkType.ETHERNET, LinkType.LINUX_SLL, LinkType.LINUX_SLL2, LinkType.RAW}) {
            String any = BpfFilters.anyTcpFilterFor(dlt);
            assertThatCode(() -> BpfFilters.validate(any, dlt)).as("DLT %d: %s", dlt, any).doesNotThrowAnyException();
        }
    }

    @Test
    void libpcapHasNoVlanKeywordForCookedCaptures() {
        // why smtpFilterFor exists
        assertThatThrownBy(() -> BpfFilters.validate(BpfFilters.smtpFilter(25), LinkType.LINUX_SLL))
                .isInstanceOf(CaptureException.class)
                .hasMessageContaining("invalid BPF filter '(tcp port 25 or")
                .hasMessageContaining("VLAN");
    }

    @Test
    void validateNamesTheBrokenFilter() {
        assertThatThrownBy(() -> BpfFilters.validate("tcp port 25 or", LinkType.ETHERNET))
                .isInstanceOf(CaptureException.class)
                .hasMessageStartingWith("invalid BPF filter 'tcp port 25 or' for link type 1: ")
                .hasMessageContaining("syntax error");
    }

    /** Frames numbered by timestamp; {@link #expectedSmtp} lists those an SMTP filter must keep. */
    private Path mixedVlanCapture() {
        byte[] v4to25 = ipv4("10.0.0.1", "10.0.0.2", IPPROTO_TCP, tcp(40000, 25, ascii("EHLO a\r\n")));
        byte[] v4from587 = ipv4("10.0.0.2", "10.0.0.1", IPPROTO_TCP, tcp(587, 40001, ascii("250 ok\r\n")));
        byte[] v6to25 = ipv6("2001:db8::1", "2001:db8::2", IPPROTO_TCP, tcp(40002, 25, ascii("QUIT\r\n")));
        byte[] v4to80 = ipv4("10.0.0.1", "10.0.0.2", IPPROTO_TCP, tcp(40003, 80, ascii("GET /\r\n")));
        byte[] udp25 = ipv4("10.0.0.1", "10.0.0.2", IPPROTO_UDP, new byte[] {0x40, 0, 0, 25, 0, 12, 0, 0, 1, 2, 3, 4});
        return PcapFiles.pcap(LinkType.ETHERNET, 65535)
                .packet(1, ethernet(ETH_IPV4, v4to25))
                .packet(2, ethernetTagged(ETH_IPV4, v4from587, TPID_8021Q, 100))
                .packet(3, ethernetTagged(ETH_IPV4, v4to25, TPID_8021AD, 200, TPID_8021Q, 300))
                .packet(4, ethernetTagged(ETH_IPV6, v6to25, TPID_8021AD, 200, TPID_8021Q, 301))
                .packet(5, ethernetTagged(ETH_IPV4, v4to25, TPID_QINQ, 7, TPID_8021Q, 8))
                .packet(6, ethernet(ETH_IPV4, v4to80))
                .packet(7, ethernetTagged(ETH_IPV4, v4to80, TPID_8021AD, 200, TPID_8021Q, 300))
                .packet(8, ethernetTagged(ETH_IPV4, udp25, TPID_8021AD, 200, TPID_8021Q, 300))
                .packet(9, ethernet(ETH_IPV6, v6to25))
                .write(dir.resolve("vlans.pcap"));
    }

    private static final List<Long> expectedSmtp = List.of(1L, 2L, 3L, 4L, 5L, 9L);

    private static List<Long> timestampsMatching(Path file, String filter) throws CaptureException {
        List<Long> seen = new ArrayList<>();
        try (OfflineSource src = OfflineSource.open(file, filter)) {
            RawFrame f = new RawFrame();
            while (src.next(f)) seen.add(f.tsMicros);
            assertThat(src.error()).isNull();
        }
        return seen;
    }

    @Test
    void smtpFilterMatchesUntaggedVlanAndQinQFrames() throws Exception {
        assertThat(timestampsMatching(mixedVlanCapture(), BpfFilters.smtpFilter(25, 587))).isEqualTo(expectedSmtp);
    }

    @Test
    void aPlainUserFilterIsExtendedToTaggedSessions() throws Exception {
        // as written, libpcap reads tagged frames at untagged offsets: 2, 3, 4, 5 would be lost
        assertThat(timestampsMatching(mixedVlanCapture(), "tcp port 25 or tcp port 587")).isEqualTo(expectedSmtp);
        assertThat(BpfFilters.userFilterFor(LinkType.ETHERNET, "tcp port 25"))
                .isEqualTo("(tcp port 25) or (vlan and ((tcp port 25) or (vlan and (tcp port 25))))");
        assertThat(BpfFilters.userFilterFor(LinkType.LINUX_SLL, "tcp port 25")).isEqualTo("tcp port 25");
        assertThatCode(() -> BpfFilters.validate("tcp port 25 or tcp port 587", LinkType.ETHERNET)).doesNotThrowAnyException();
    }

    @Test
    void aUserFilterWithItsOwnVlanPlanIsUsedAsWritten() throws Exception {
        String own = "vlan 100 and tcp port 587";
        assertThat(BpfFilters.userFilterFor(LinkType.ETHERNET, own)).isEqualTo(own);
        assertThat(BpfFilters.userFilterFor(LinkType.ETHERNET, "MPLS and tcp")).isEqualTo("MPLS and tcp");
        assertThat(timestampsMatching(mixedVlanCapture(), own)).containsExactly(2L);
    }

    /** One SMTP segment in every encapsulation the decoder follows, plus noise that must stay out. */
    @Test
    void theAutoFilterPassesTunnelledMirrorsAtEveryVlanLevel() throws Exception {
        byte[] smtp = ipv4("10.0.0.1", "10.0.0.2", IPPROTO_TCP, tcp(40000, 25, ascii("EHLO a\r\n")));
        byte[] web = ipv4("10.0.0.1", "10.0.0.2", IPPROTO_TCP, tcp(40000, 80, ascii("GET /\r\n")));
        byte[] eth = ethernet(ETH_IPV4, smtp);
        byte[] vxlan = ipv4(Tunnels.OUTER_SRC, Tunnels.OUTER_DST, IPPROTO_UDP, Tunnels.udp(55555, 4789, Tunnels.vxlan(7, eth)));
        byte[] geneve = ipv6("2001:db8::1", "2001:db8::2", IPPROTO_UDP, Tunnels.udp(55555, 6081, Tunnels.geneve(7, 0x6558, 1, eth)));
        byte[] erspan = ipv4(Tunnels.OUTER_SRC, Tunnels.OUTER_DST, Tunnels.IPPROTO_GRE,
                Tunnels.gre(Tunnels.GRE_ERSPAN_I_II, false, 1, 2, Tunnels.erspanII(3, eth)));
        byte[] ipip = ipv4(Tunnels.OUTER_SRC, Tunnels.OUTER_DST, Tunnels.IPPROTO_IPIP, smtp);
        byte[] dns = ipv4("10.0.0.1", "10.0.0.2", IPPROTO_UDP, Tunnels.udp(5353, 53, new byte[12]));
        Path file = PcapFiles.pcap(LinkType.ETHERNET, 65535)
                .packet(1, ethernet(ETH_IPV4, vxlan))
                .packet(2, ethernetTagged(ETH_IPV4, vxlan, TPID_8021AD, 10, TPID_8021Q, 20))
                .packet(3, ethernet(ETH_IPV6, geneve))
                .packet(4, ethernetTagged(ETH_IPV4, erspan, TPID_8021Q, 30))
                .packet(5, ethernet(ETH_IPV4, ipip))
                .packet(6, ethernetTagged(Tunnels.ETH_MPLS, Tunnels.mpls(smtp, 100, 200), TPID_8021Q, 40))
                .packet(7, ethernetTagged(Tunnels.ETH_PPPOE_SESSION, Tunnels.pppoe(9, 0x0021, smtp), TPID_8021AD, 1, TPID_8021Q, 2))
                .packet(8, ethernet(ETH_IPV4, web))
                .packet(9, ethernetTagged(ETH_IPV4, dns, TPID_8021Q, 30))
                .packet(10, ethernet(Tunnels.ETH_MPLS, Tunnels.mpls(smtp, 100)))
                .write(dir.resolve("tunnels.pcap"));
        assertThat(timestampsMatching(file, BpfFilters.smtpFilter(25, 587))).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 10L);
        assertThat(timestampsMatching(file, BpfFilters.anyTcpFilterFor(LinkType.ETHERNET))).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 10L);
    }

    @Test
    void aFlatVlanFilterMissesQinQ() throws Exception {
        // the CAPTURE-NOTES gotcha this class exists for: keep it proven
        String flat = "tcp port 25 or tcp port 587 or (vlan and (tcp port 25 or tcp port 587))"
                + " or (vlan and vlan and (tcp port 25 or tcp port 587))";
        assertThat(timestampsMatching(mixedVlanCapture(), flat)).doesNotContain(3L, 4L, 5L).contains(1L, 2L);
    }
}
