package io.mailtap.decode;

import static io.mailtap.decode.Frames.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing: random bytes mostly die in the link header, so half the inputs are valid frames
 * with a few bytes flipped, which reach the IPv6 chain walker and the TCP length checks.
 */
class FrameDecoderFuzzTest {
    private static final int[] LINK_TYPES = {
        LinkType.NULL, LinkType.ETHERNET, LinkType.RAW, LinkType.DLT_RAW_BSD, LinkType.DLT_RAW_OPENBSD,
        LinkType.LOOP, LinkType.LINUX_SLL, LinkType.IPV4, LinkType.IPV6, LinkType.LINUX_SLL2, 105, 127,
    };

    private static byte[][] seeds() {
        byte[] payload = ascii("MAIL FROM:<a@example.org>\r\n");
        byte[] v4 = ipv4("10.1.1.1", "10.2.2.2", IPPROTO_TCP, 1, 0, tcp(1025, 25, 1, 2, 0x18, 100, 2, payload));
        byte[] v6 = ipv6("2001:db8::1", "2001:db8::2", HOP_BY_HOP, concat(optionsHeader(FRAGMENT, 0),
                fragmentHeader(AH, 0, false), authHeader(DEST_OPTS), optionsHeader(IPPROTO_TCP, 1), tcp(1025, 25, payload)));
        return new byte[][] {
            ethernet(ETH_IPV4, v4),
            ethernetTagged(ETH_IPV6, v6, TPID_8021AD, 1, TPID_8021Q, 2),
            sll(TPID_8021Q, tagged(ETH_IPV4, v4, TPID_8021Q, 3)),
            sll2(ETH_IPV6, v6),
            bsdNull(2, true, v4),
            loop(24, v6),
            v4,
            v6,
            ethernetTagged(ETH_IPV4, v4, TPID_8021AD, 1, TPID_8021Q, 2, TPID_8021Q, 3),
            Tunnels.outer(Tunnels.IPPROTO_GRE, Tunnels.gre(Tunnels.GRE_ERSPAN_I_II, true, 9, 1,
                    Tunnels.erspanII(5, ethernetTagged(ETH_IPV4, v4, TPID_8021Q, 4)))),
            Tunnels.outer(IPPROTO_UDP, Tunnels.udp(1, 4789, Tunnels.vxlan(77, ethernet(ETH_IPV6, v6)))),
            Tunnels.outer(IPPROTO_UDP, Tunnels.udp(1, 6081, Tunnels.geneve(78, ETH_IPV4, 2, v4))),
            ethernet(Tunnels.ETH_MPLS, Tunnels.mpls(concat(new byte[4], ethernet(ETH_IPV4, v4)), 16, 17)),
            ethernet(Tunnels.ETH_PPPOE_SESSION, Tunnels.pppoe(3, 0x0021, v4)),
            Tunnels.outer(Tunnels.IPPROTO_GRE, Tunnels.gre(Tunnels.GRE_ERSPAN_III, false, null, 1,
                    Tunnels.erspanIII(6, 2, true, v6))),
            ipv6("2001:db8::a", "2001:db8::b", Tunnels.IPPROTO_IPIP, v4),
        };
    }

    private static final int[] SEED_LINK = {
        LinkType.ETHERNET, LinkType.ETHERNET, LinkType.LINUX_SLL, LinkType.LINUX_SLL2, LinkType.NULL, LinkType.LOOP,
        LinkType.RAW, LinkType.IPV6, LinkType.ETHERNET,
        LinkType.ETHERNET, LinkType.ETHERNET, LinkType.ETHERNET, LinkType.ETHERNET, LinkType.ETHERNET,
        LinkType.ETHERNET, LinkType.RAW,
    };

    @Test
    void neverThrowsAndCountsEveryFrameOnce() {
        DecodeStats stats = new DecodeStats();
        FrameDecoder decoder = new FrameDecoder(stats);
        PacketView view = new PacketView();
        SplittableRandom rnd = new SplittableRandom(0x5EED_2024L);
        byte[][] seeds = seeds();
        byte[] buf = new byte[512];
        EnumSet<SkipReason> seen = EnumSet.noneOf(SkipReason.class);
        int frames = 200_000;

        for (int i = 0; i < frames; i++) {
            int linkType;
            int len;
            if ((i & 1) == 0) {
                linkType = LINK_TYPES[rnd.nextInt(LINK_TYPES.length)];
                len = rnd.nextInt(buf.length + 1);
                for (int j = 0; j < len; j++) buf[j] = (byte) rnd.nextInt(256);
            } else {
                int s = rnd.nextInt(seeds.length);
                linkType = SEED_LINK[s];
                len = seeds[s].length;
                System.arraycopy(seeds[s], 0, buf, 0, len);
                for (int flips = 1 + rnd.nextInt(4); flips > 0; flips--) buf[rnd.nextInt(len)] = (byte) rnd.nextInt(256);
                if (rnd.nextInt(4) == 0) len = rnd.nextInt(len + 1);
            }
            int wire = rnd.nextInt(8) == 0 ? rnd.nextInt(70_000) : len;
            long before = stats.get(DecodeCounter.DECODED_TCP) + stats.skippedTotal();

            boolean ok = decoder.decode(linkType, buf, len, wire, i, view);

            assertThat(stats.get(DecodeCounter.DECODED_TCP) + stats.skippedTotal()).isEqualTo(before + 1);
            if (ok) {
                assertThat(view.payloadOffset).isBetween(20, len);
                assertThat(view.payloadLength).isBetween(0, len - view.payloadOffset);
                assertThat(view.segmentLength).isGreaterThanOrEqualTo(view.payloadLength);
                assertThat(view.srcPort).isBetween(0, 65535);
                assertThat(view.ipVersion).isIn(4, 6);
            }
        }
        for (SkipReason r : SkipReason.values()) if (stats.skipped(r) > 0) seen.add(r);

        assertThat(stats.get(DecodeCounter.FRAMES)).isEqualTo(frames);
        assertThat(stats.get(DecodeCounter.FRAMES)).isEqualTo(stats.get(DecodeCounter.DECODED_TCP) + stats.skippedTotal());
        // the fuzz must reach deep code, or it proves nothing
        assertThat(stats.get(DecodeCounter.DECODED_TCP)).isGreaterThan(frames / 20);
        assertThat(seen).contains(SkipReason.TRUNCATED_LINK, SkipReason.NOT_IP, SkipReason.MALFORMED_IP,
                SkipReason.TRUNCATED_IP, SkipReason.IP_FRAGMENT, SkipReason.MALFORMED_IPV6_EXTENSION,
                SkipReason.NOT_TCP, SkipReason.TRUNCATED_TCP, SkipReason.MALFORMED_TCP,
                SkipReason.UNSUPPORTED_LINK_TYPE, SkipReason.TOO_MANY_VLAN_TAGS,
                SkipReason.TRUNCATED_TUNNEL, SkipReason.MALFORMED_TUNNEL);
    }
}
