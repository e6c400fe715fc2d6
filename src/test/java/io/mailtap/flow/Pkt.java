package io.mailtap.flow;

import io.mailtap.bench.Endpoints;
import io.mailtap.bench.FrameBuilder;
import io.mailtap.decode.DecodeStats;
import io.mailtap.decode.FrameDecoder;
import io.mailtap.decode.LinkType;
import io.mailtap.decode.PacketView;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One TCP packet for flow tests, built as a frame by the packet kit ({@link FrameBuilder}: real
 * headers, every checksum) and read back by the real {@link FrameDecoder}, so the view is exactly
 * what the decoder hands the flow table (offsets included: the payload starts after the headers).
 */
final class Pkt {
    private static final FrameBuilder KIT = new FrameBuilder();
    private static final FrameDecoder DECODER = new FrameDecoder(new DecodeStats());

    private final PacketView v = new PacketView();
    private final long ts;
    private String srcIp, dstIp;
    private int srcPort, dstPort, seq, ack, flags, vlanOuter, vlanInner;
    private byte[] payload = new byte[0];
    private int captured = -1;

    private Pkt(long ts) { this.ts = ts; }

    static Pkt at(long ts) { return new Pkt(ts); }

    Pkt from(String ip, int port) { srcIp = ip; srcPort = port; return this; }

    Pkt to(String ip, int port) { dstIp = ip; dstPort = port; return this; }

    Pkt seq(int seq) { this.seq = seq; return this; }
    Pkt ack(int ack) { this.ack = ack; flags |= PacketView.ACK; return this; }
    Pkt syn() { flags |= PacketView.SYN; return this; }
    Pkt fin() { flags |= PacketView.FIN; return this; }
    Pkt rst() { flags |= PacketView.RST; return this; }
    Pkt flags(int flags) { this.flags = flags; return this; }
    /** 802.1Q tag {@code outer}; with {@code inner != 0}, QinQ (802.1ad outer, 802.1Q inner). */
    Pkt vlan(int outer, int inner) { vlanOuter = outer; vlanInner = inner; return this; }
    Pkt data(String s) { return data(s.getBytes(StandardCharsets.ISO_8859_1)); }
    Pkt data(byte[] b) { payload = b; return this; }
    /** Snaplen: only the first {@code n} payload bytes were captured. */
    Pkt captured(int n) { captured = n; return this; }

    PacketView view() {
        // a packet has one IP version: with one IPv6 side, an IPv4 other side is sent v4-mapped
        boolean v6 = srcIp.contains(":") || dstIp.contains(":");
        Endpoints e = Endpoints.tcp(v6 ? mapped(srcIp) : srcIp, srcPort, v6 ? mapped(dstIp) : dstIp, dstPort);
        if (vlanInner != 0) e.qinq(vlanOuter, vlanInner);
        else if (vlanOuter != 0) e.vlan(vlanOuter);
        int wire = KIT.tcp(e, true, seq, ack, flags, 0, payload, 0, payload.length);
        int headers = KIT.ipOffset + KIT.ipLength - payload.length;
        int cap = captured < 0 ? wire : Math.min(wire, headers + Math.min(captured, payload.length));
        byte[] frame = Arrays.copyOf(KIT.frame, cap);
        if (!DECODER.decode(LinkType.ETHERNET, frame, cap, wire, ts, v)) {
            throw new AssertionError("the decoder skipped the test packet " + srcIp + ":" + srcPort + " > " + dstIp + ":" + dstPort);
        }
        return v;
    }

    private static String mapped(String ip) {
        return ip.contains(":") ? ip : "::ffff:" + ip;
    }

    static long[] addr(String ip) {
        try {
            byte[] b = InetAddress.getByName(ip).getAddress(); // literals only: no DNS
            if (b.length == 4) {
                long v4 = ((b[0] & 0xffL) << 24) | ((b[1] & 0xffL) << 16) | ((b[2] & 0xffL) << 8) | (b[3] & 0xffL);
                return new long[] {0, 0xffff00000000L | v4};
            }
            long hi = 0, lo = 0;
            for (int i = 0; i < 8; i++) {
                hi = (hi << 8) | (b[i] & 0xff);
                lo = (lo << 8) | (b[i + 8] & 0xff);
            }
            return new long[] {hi, lo};
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(ip, e);
        }
    }
}
