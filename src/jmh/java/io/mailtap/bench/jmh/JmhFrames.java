package io.mailtap.bench.jmh;

import java.nio.ByteBuffer;

/** Builds the Ethernet/IPv4/TCP frames the benchmarks feed (checksums are not checked by mailtap). */
final class JmhFrames {
    private JmhFrames() {}

    static byte[] ipv4Tcp(int vlan, int src, int dst, int sport, int dport, int seq, int ack, int flags, byte[] payload) {
        int eth = vlan > 0 ? 18 : 14;
        ByteBuffer b = ByteBuffer.allocate(eth + 20 + 20 + payload.length);
        b.put(new byte[] {0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 6});
        if (vlan > 0) b.putShort((short) 0x8100).putShort((short) vlan);
        b.putShort((short) 0x0800);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (40 + payload.length)).putShort((short) 1).putShort((short) 0x4000)
                .put((byte) 64).put((byte) 6).putShort((short) 0).putInt(src).putInt(dst);
        b.putShort((short) sport).putShort((short) dport).putInt(seq).putInt(ack)
                .put((byte) 0x50).put((byte) flags).putShort((short) 29200).putInt(0);
        b.put(payload);
        return b.array();
    }
}
