package io.mailtap.fuzz;

import io.mailtap.decode.LinkType;
import io.mailtap.sensor.PacketPipeline;

/**
 * Turns fuzz bytes into TCP segments of one connection (client 192.0.2.10:40000, server
 * 198.51.100.25:25) and feeds them as raw-IPv4 frames. A simple, stable byte format, so seeds can be
 * written from real captures and a crash file reads as a script:
 *
 * <pre>
 * record  := ctrl len payload[len]  (len: one byte, 0..255)
 * ctrl    := bit 0 direction (0 client→server, 1 server→client)
 *            bit 1 SYN, bit 2 FIN, bit 3 RST
 *            bit 4 jump: two more bytes follow ctrl, a signed 16-bit offset added to the next
 *                  expected sequence number (out of order, overlap, retransmission, hole)
 *            bits 5-7 time step: 0 → 100 µs … 7 → 10 minutes (timeouts and idle expiry)
 * </pre>
 * Without a SYN record the connection is picked up mid-stream, as on a mirror port.
 */
final class SegmentScript {
    private static final long START_MICROS = 1_700_000_000_000_000L;
    private static final long[] STEPS = {100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 60_000_000, 600_000_000};
    private static final byte[] CLIENT = {(byte) 192, 0, 2, 10};
    private static final byte[] SERVER = {(byte) 198, 51, 100, 25};
    private static final int CLIENT_PORT = 40000, SERVER_PORT = 25;
    private static final int FIN = 0x01, SYN = 0x02, RST = 0x04, PSH = 0x08, ACK = 0x10;

    private SegmentScript() {}

    static void play(byte[] in, int from, PacketPipeline pipeline) {
        long[] next = {1_000_000L, 3_000_000_000L}; // client, server: next sequence number each side sends
        long ts = START_MICROS;
        byte[] frame = new byte[20 + 20 + 255];
        int p = from;
        while (p + 2 <= in.length) {
            int ctrl = in[p++] & 0xff;
            int dir = ctrl & 1;
            long seq = next[dir];
            if ((ctrl & 0x10) != 0) {
                if (p + 2 > in.length) return;
                seq += (short) (((in[p] & 0xff) << 8) | (in[p + 1] & 0xff));
                p += 2;
            }
            if (p >= in.length) return;
            int len = Math.min(in[p++] & 0xff, in.length - p);
            int flags = ACK | (len > 0 ? PSH : 0) | ((ctrl & 2) != 0 ? SYN : 0) | ((ctrl & 4) != 0 ? FIN : 0)
                    | ((ctrl & 8) != 0 ? RST : 0);
            if ((flags & SYN) != 0 && dir == 0 && next[1] == 3_000_000_000L) flags &= ~ACK; // a client's first SYN
            ts += STEPS[ctrl >>> 5];
            int n = build(frame, dir == 0, seq, next[1 - dir], flags, in, p, len);
            pipeline.onFrame(LinkType.RAW, frame, n, n, ts);
            p += len;
            long end = seq + len + ((flags & (SYN | FIN)) != 0 ? 1 : 0);
            if (end > next[dir]) next[dir] = end;
        }
    }

    private static int build(byte[] f, boolean fromClient, long seq, long ack, int flags, byte[] data, int off, int len) {
        int total = 40 + len;
        f[0] = 0x45;
        f[1] = 0;
        f[2] = (byte) (total >>> 8);
        f[3] = (byte) total;
        f[4] = f[5] = 0;
        f[6] = 0x40; // DF
        f[7] = 0;
        f[8] = 64;
        f[9] = 6;
        f[10] = f[11] = 0; // checksums are not verified (a mirror port carries offloaded ones)
        System.arraycopy(fromClient ? CLIENT : SERVER, 0, f, 12, 4);
        System.arraycopy(fromClient ? SERVER : CLIENT, 0, f, 16, 4);
        int t = 20;
        int sp = fromClient ? CLIENT_PORT : SERVER_PORT, dp = fromClient ? SERVER_PORT : CLIENT_PORT;
        f[t] = (byte) (sp >>> 8); f[t + 1] = (byte) sp;
        f[t + 2] = (byte) (dp >>> 8); f[t + 3] = (byte) dp;
        putInt(f, t + 4, seq);
        putInt(f, t + 8, (flags & ACK) != 0 ? ack : 0);
        f[t + 12] = 0x50;
        f[t + 13] = (byte) flags;
        f[t + 14] = (byte) 0xff; f[t + 15] = (byte) 0xff;
        f[t + 16] = f[t + 17] = f[t + 18] = f[t + 19] = 0;
        System.arraycopy(data, off, f, 40, len);
        return total;
    }

    private static void putInt(byte[] b, int p, long v) {
        b[p] = (byte) (v >>> 24); b[p + 1] = (byte) (v >>> 16); b[p + 2] = (byte) (v >>> 8); b[p + 3] = (byte) v;
    }
}
