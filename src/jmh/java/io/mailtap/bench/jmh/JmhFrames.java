package io.mailtap.bench.jmh;

import io.mailtap.bench.Endpoints;
import io.mailtap.bench.FrameBuilder;

import java.util.Arrays;

/** The Ethernet/IPv4/TCP frames the benchmarks feed, from the packet kit (every checksum filled, as on a wire). */
final class JmhFrames {
    private static final FrameBuilder KIT = new FrameBuilder();

    private JmhFrames() {}

    static byte[] ipv4Tcp(int vlan, int src, int dst, int sport, int dport, int seq, int ack, int flags, byte[] payload) {
        Endpoints e = new Endpoints();
        e.clear();
        if (vlan > 0) e.vlan(vlan);
        e.cliV4 = src;
        e.srvV4 = dst;
        e.cliPort = sport;
        e.srvPort = dport;
        e.cliWindow = 29200;
        e.macsFromAddresses();
        int len = KIT.tcp(e, true, seq, ack, flags, 0, payload, 0, payload.length);
        return Arrays.copyOf(KIT.frame, len);
    }
}
