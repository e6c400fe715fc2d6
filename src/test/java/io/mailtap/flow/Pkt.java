package io.mailtap.flow;

import io.mailtap.decode.PacketView;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;

/** Builds a {@link PacketView} by hand, as the decoder would fill it. */
final class Pkt {
    /** Where the payload starts in the frame: the view's offsets must be honoured, not assumed 0. */
    static final int HEADERS = 54;

    private final PacketView v = new PacketView();
    private byte[] payload = new byte[0];
    private int captured = -1;

    private Pkt(long ts) { v.tsMicros = ts; }

    static Pkt at(long ts) { return new Pkt(ts); }

    Pkt from(String ip, int port) {
        long[] a = addr(ip);
        v.srcHi = a[0]; v.srcLo = a[1]; v.srcPort = port;
        v.ipVersion = ip.contains(":") ? 6 : 4;
        return this;
    }

    Pkt to(String ip, int port) {
        long[] a = addr(ip);
        v.dstHi = a[0]; v.dstLo = a[1]; v.dstPort = port;
        return this;
    }

    Pkt seq(int seq) { v.seq = seq; return this; }
    Pkt ack(int ack) { v.ack = ack; v.tcpFlags |= PacketView.ACK; return this; }
    Pkt syn() { v.tcpFlags |= PacketView.SYN; return this; }
    Pkt fin() { v.tcpFlags |= PacketView.FIN; return this; }
    Pkt rst() { v.tcpFlags |= PacketView.RST; return this; }
    Pkt flags(int flags) { v.tcpFlags = flags; return this; }
    Pkt vlan(int outer, int inner) { v.vlanOuter = outer; v.vlanInner = inner; return this; }
    Pkt data(String s) { return data(s.getBytes(StandardCharsets.ISO_8859_1)); }
    Pkt data(byte[] b) { payload = b; return this; }
    /** Snaplen: only the first {@code n} payload bytes were captured. */
    Pkt captured(int n) { captured = n; return this; }

    PacketView view() {
        int cap = captured < 0 ? payload.length : Math.min(captured, payload.length);
        byte[] frame = new byte[HEADERS + cap];
        java.util.Arrays.fill(frame, 0, HEADERS, (byte) 0x5a);
        System.arraycopy(payload, 0, frame, HEADERS, cap);
        v.frame = frame;
        v.capturedLength = frame.length;
        v.wireLength = HEADERS + payload.length;
        v.payloadOffset = HEADERS;
        v.payloadLength = cap;
        v.segmentLength = payload.length;
        return v;
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
