package io.mailtap.cli;

import static io.mailtap.decode.Frames.*;
import static io.mailtap.decode.Tunnels.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mailtap.capture.PcapFiles;
import io.mailtap.testutil.TcpConversation;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operator's record of a session mirrored through a tunnel is the record of the direct mirror. */
class TunnelledReplayTest {
    @TempDir Path dir;

    private static UnaryOperator<byte[]> inIpv4(int protocol, UnaryOperator<byte[]> payload) {
        return ip -> outer(protocol, payload.apply(ip));
    }

    /** Each encapsulation, and whether it names a session (then the uid differs: it is another flow key). */
    private static Map<String, UnaryOperator<byte[]>> encapsulations() {
        Map<String, UnaryOperator<byte[]>> m = new LinkedHashMap<>();
        m.put("gre", inIpv4(IPPROTO_GRE, ip -> gre(ETH_IPV4, true, 0x1234, 1, ip)));
        m.put("gretap", inIpv4(IPPROTO_GRE, ip -> gre(GRE_TEB, false, null, null, ethernet(ETH_IPV4, ip))));
        m.put("erspan1", inIpv4(IPPROTO_GRE, ip -> gre(GRE_ERSPAN_I_II, false, null, null, ethernet(ETH_IPV4, ip))));
        m.put("erspan2", inIpv4(IPPROTO_GRE, ip -> gre(GRE_ERSPAN_I_II, false, 5, 1, erspanII(5, ethernet(ETH_IPV4, ip)))));
        m.put("erspan3", inIpv4(IPPROTO_GRE, ip -> gre(GRE_ERSPAN_III, false, null, 1, erspanIII(6, 0, true, ethernet(ETH_IPV4, ip)))));
        m.put("vxlan", inIpv4(IPPROTO_UDP, ip -> udp(49999, 4789, vxlan(4242, ethernet(ETH_IPV4, ip)))));
        m.put("geneve", ip -> ethernet(ETH_IPV6, ipv6("2001:db8:ff::1", "2001:db8:ff::2", IPPROTO_UDP,
                udp(49999, 6081, geneve(77, GRE_TEB, 2, ethernet(ETH_IPV4, ip))))));
        // MPLS and PPPoE are the link the session itself crossed: tags outside them stay (FrameDecoder.underlay)
        m.put("mpls", ip -> ethernet(ETH_MPLS, mpls(ip, 300, 400)));
        m.put("ipip", inIpv4(IPPROTO_IPIP, ip -> ip));
        m.put("pppoe", ip -> ethernet(ETH_PPPOE_SESSION, pppoe(17, 0x0021, ip)));
        return m;
    }

    private TcpConversation session(PcapFiles pcap, String sender) {
        return new TcpConversation(pcap, "10.0.0.5", 40000, "203.0.113.9", 25, 1_700_000_000_000_000L);
    }

    private static void script(TcpConversation c, String sender) {
        c.handshake()
                .server("220 mx.example ESMTP\r\n")
                .client("EHLO client.example\r\n")
                .server("250 mx.example\r\n")
                .client("MAIL FROM:<" + sender + ">\r\n")
                .server("250 ok\r\n")
                .client("RCPT TO:<r@mx.example>\r\n")
                .server("250 ok\r\n")
                .client("DATA\r\n")
                .server("354 go\r\n")
                .client("Subject: hi\r\n\r\nbody\r\n.\r\n")
                .server("250 queued\r\n")
                .client("QUIT\r\n")
                .server("221 bye\r\n")
                .close();
    }

    private List<JsonNode> replay(String name, UnaryOperator<byte[]> framing) throws IOException {
        PcapFiles pcap = TcpConversation.ethernetPcap();
        TcpConversation c = session(pcap, "a@example.org");
        if (framing != null) c.framing(framing);
        script(c, "a@example.org");
        Path file = c.write(dir.resolve(name + ".pcap"));
        Path out = dir.resolve(name + "-out");
        assertThat(Cli.run("replay", "--out", out.toString(), file.toString()).exit()).isZero();
        return ReplayCommandTest.jsonLines(out.resolve("smtp.jsonl"));
    }

    private static JsonNode withoutUid(JsonNode line) {
        ObjectNode copy = line.deepCopy();
        copy.remove("uid");
        return copy;
    }

    @Test
    void everyEncapsulationGivesTheDirectMirrorsTransactionLine() throws IOException {
        List<JsonNode> direct = replay("direct", null);
        assertThat(direct).hasSize(1);
        assertThat(direct.get(0).get("mail_from").asText()).isEqualTo("<a@example.org>");
        for (Map.Entry<String, UnaryOperator<byte[]>> e : encapsulations().entrySet()) {
            List<JsonNode> tunnelled = replay(e.getKey(), e.getValue());
            assertThat(tunnelled).as(e.getKey()).hasSize(1);
            // the uid hashes the flow key, which holds the tunnel id when the tunnel names a session
            assertThat(withoutUid(tunnelled.get(0))).as(e.getKey()).isEqualTo(withoutUid(direct.get(0)));
        }
    }

    @Test
    void untunnelledOrAnonymousTunnelsKeepTheUid() throws IOException {
        String direct = replay("direct", null).get(0).get("uid").asText();
        assertThat(replay("ipip", encapsulations().get("ipip")).get(0).get("uid").asText()).isEqualTo(direct);
        assertThat(replay("vxlan", encapsulations().get("vxlan")).get(0).get("uid").asText()).isNotEqualTo(direct);
    }

    /** Two mirror sessions of the same inner 5-tuple, interleaved packet by packet, in two VNIs. */
    @Test
    void theSameFiveTupleInTwoVnisIsTwoConnections() throws IOException {
        PcapFiles pcap = TcpConversation.ethernetPcap();
        TcpConversation a = session(pcap, "a").framing(inIpv4(IPPROTO_UDP, ip -> udp(1, 4789, vxlan(100, ethernet(ETH_IPV4, ip)))));
        TcpConversation b = session(pcap, "b").framing(inIpv4(IPPROTO_UDP, ip -> udp(1, 4789, vxlan(200, ethernet(ETH_IPV4, ip)))));
        a.handshake(); b.handshake();
        a.server("220 mx.example ESMTP\r\n"); b.server("220 mx.example ESMTP\r\n");
        a.client("EHLO client.example\r\n"); b.client("EHLO client.example\r\n");
        a.server("250 mx.example\r\n"); b.server("250 mx.example\r\n");
        a.client("MAIL FROM:<a@example.org>\r\n"); b.client("MAIL FROM:<b@example.net>\r\n");
        a.server("250 ok\r\n"); b.server("250 ok\r\n");
        a.client("RCPT TO:<r@mx.example>\r\n"); b.client("RCPT TO:<r@mx.example>\r\n");
        a.server("550 no\r\n"); b.server("550 no\r\n");
        a.client("QUIT\r\n"); b.client("QUIT\r\n");
        a.server("221 bye\r\n"); b.server("221 bye\r\n");
        a.close(); b.close();
        Path file = pcap.write(dir.resolve("two-vnis.pcap"));
        Path out = dir.resolve("two-vnis-out");
        assertThat(Cli.run("replay", "--out", out.toString(), file.toString()).exit()).isZero();
        List<JsonNode> tx = ReplayCommandTest.jsonLines(out.resolve("smtp.jsonl"));
        assertThat(tx).extracting(l -> l.get("mail_from").asText()).containsExactlyInAnyOrder("<a@example.org>", "<b@example.net>");
        assertThat(tx.get(0).get("uid").asText()).isNotEqualTo(tx.get(1).get("uid").asText());
    }
}
