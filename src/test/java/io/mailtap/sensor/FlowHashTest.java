package io.mailtap.sensor;

import io.mailtap.decode.PacketView;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class FlowHashTest {
    private static PacketView view(long srcHi, long srcLo, int sp, long dstHi, long dstLo, int dp, int vlan) {
        PacketView v = new PacketView();
        v.srcHi = srcHi; v.srcLo = srcLo; v.srcPort = sp;
        v.dstHi = dstHi; v.dstLo = dstLo; v.dstPort = dp;
        v.vlanOuter = vlan;
        return v;
    }

    @Test
    void bothDirectionsOfAConnectionGoToTheSameWorker() {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int i = 0; i < 100_000; i++) {
            long aHi = rnd.nextLong(), aLo = rnd.nextLong(), bHi = rnd.nextLong(), bLo = rnd.nextLong();
            int ap = rnd.nextInt(65536), bp = rnd.nextInt(65536), vlan = rnd.nextInt(4096);
            PacketView there = view(aHi, aLo, ap, bHi, bLo, bp, vlan);
            PacketView back = view(bHi, bLo, bp, aHi, aLo, ap, vlan);
            assertThat(FlowHash.symmetric(back)).isEqualTo(FlowHash.symmetric(there));
            for (int n = 1; n <= 8; n++) assertThat(FlowHash.shard(back, n)).isEqualTo(FlowHash.shard(there, n));
        }
    }

    @Test
    void portsAndVlansChangeTheHashAndShardsAreEvenlyUsed() {
        long v4 = 0x0000_FFFF_0000_0000L;
        PacketView a = view(0, v4 | 0x0A000001L, 40000, 0, v4 | 0xCB00711AL, 25, 0);
        PacketView b = view(0, v4 | 0x0A000001L, 40001, 0, v4 | 0xCB00711AL, 25, 0);
        PacketView c = view(0, v4 | 0x0A000001L, 40000, 0, v4 | 0xCB00711AL, 25, 10);
        assertThat(FlowHash.symmetric(a)).isNotEqualTo(FlowHash.symmetric(b)).isNotEqualTo(FlowHash.symmetric(c));

        // one client, one server, many source ports: the realistic case on a mail relay
        int workers = 4;
        int[] counts = new int[workers];
        for (int port = 32768; port < 32768 + 40_000; port++) {
            counts[FlowHash.shard(view(0, v4 | 0x0A000001L, port, 0, v4 | 0xCB00711AL, 25, 0), workers)]++;
        }
        for (int n : counts) assertThat(n).isBetween(9_000, 11_000);
    }
}
