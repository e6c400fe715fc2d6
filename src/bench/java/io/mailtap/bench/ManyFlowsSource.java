package io.mailtap.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The "many-flows" traffic: {@code flows} SMTP connections that all open (handshake, 220 banner,
 * EHLO, multi-line 250, ACK) before any of them closes, then optionally all close (FIN/ACK both
 * ways). Every packet is computed from the flow index alone, so no per-flow state is kept and a
 * flow count in the millions costs no memory. Flows are opened in batches whose packets
 * interleave, so a batch's worth of handshakes is in flight at once.
 *
 * <p>Client i is 10.P(i) where P is a bijection on 24 bits, so 5-tuples are distinct for up to
 * 2^24 flows. All packets fall within {@link #WINDOW_MICROS}, well inside a 5-minute idle timeout.
 */
final class ManyFlowsSource {
    static final int MAX_FLOWS = 1 << 24;
    static final long WINDOW_MICROS = 200_000_000L;
    static final int OPEN_STEPS = 7, CLOSE_STEPS = 3;
    private static final int BATCH = 512;
    private static final int SERVERS = 4;

    private final long seed;
    private final int flows;
    private final boolean close;
    private final FrameBuilder fb;
    private final Endpoints e = new Endpoints();
    private final byte[][] banners = new byte[SERVERS][];
    private final byte[][] ehloReplies = new byte[SERVERS][];
    private final byte[] ehlo;
    private final int ehloLen;

    ManyFlowsSource(long seed, int flows, boolean close, FrameBuilder fb) {
        if (flows < 1 || flows > MAX_FLOWS) throw new IllegalArgumentException("flows must be in 1.." + MAX_FLOWS);
        this.seed = seed;
        this.flows = flows;
        this.close = close;
        this.fb = fb;
        for (int s = 0; s < SERVERS; s++) {
            String name = "mx" + (s + 1) + ".bench.example";
            banners[s] = ("220 " + name + " ESMTP Postfix\r\n").getBytes(StandardCharsets.US_ASCII);
            ehloReplies[s] = ("250-" + name + "\r\n250-PIPELINING\r\n250-SIZE 52428800\r\n250-8BITMIME\r\n"
                    + "250-CHUNKING\r\n250 SMTPUTF8\r\n").getBytes(StandardCharsets.US_ASCII);
        }
        ehlo = "EHLO c000000.bench.example\r\n".getBytes(StandardCharsets.US_ASCII);
        ehloLen = ehlo.length;
    }

    long packets() {
        return (long) flows * (OPEN_STEPS + (close ? CLOSE_STEPS : 0));
    }

    /** Writes every packet; timestamps start at {@code startMicros}. Returns the last timestamp. */
    long writeAll(long startMicros, PcapFileWriter out, Rng rng, Counters n) throws IOException {
        long total = packets();
        long meanGap = Math.max(1, WINDOW_MICROS / Math.max(1, total));
        long ts = startMicros;
        for (int phase = 0; phase < (close ? 2 : 1); phase++) {
            int from = phase == 0 ? 0 : OPEN_STEPS, to = phase == 0 ? OPEN_STEPS : OPEN_STEPS + CLOSE_STEPS;
            for (int base = 0; base < flows; base += BATCH) {
                int end = Math.min(flows, base + BATCH);
                for (int step = from; step < to; step++) {
                    for (int i = base; i < end; i++) {
                        ts += 1 + rng.nextInt((int) (2 * meanGap - 1));
                        int len = packet(i, step);
                        out.write(ts, fb.frame, 0, len);
                        if (step == 0 && e.outerTpid != 0) n.vlanSessions++;
                    }
                }
            }
        }
        return ts;
    }

    /** Builds packet {@code step} of flow {@code i} into the frame buffer; returns its length. */
    private int packet(int i, int step) {
        long h = Rng.mix(seed * 0x9E3779B97F4A7C15L + i);
        int server = (int) ((h >>> 8) & 3);
        e.clear();
        e.cliV4 = (10 << 24) | Rng.permute24(i, seed);
        e.srvV4 = (172 << 24) | (16 << 16) | (25 << 8) | (server + 1);
        e.cliPort = 1024 + (int) ((h >>> 16) % 64000);
        e.srvPort = 25;
        if ((h & 0xFF) < 26) e.vlan(10 + (int) ((h >>> 48) & 3) * 10);   // ~10 % tagged
        e.macsFromAddresses();
        e.cliIpId = (int) (h >>> 32) + step;
        e.srvIpId = (int) (h >>> 40) + step;
        int cIsn = (int) Rng.mix(h ^ 0x1111);
        int sIsn = (int) Rng.mix(h ^ 0x2222);
        int b = banners[server].length, r = ehloReplies[server].length, c = ehloLen;
        final int A = FrameBuilder.ACK, P = FrameBuilder.PSH | FrameBuilder.ACK, F = FrameBuilder.FIN | FrameBuilder.ACK;
        return switch (step) {
            case 0 -> fb.tcp(e, true, cIsn, 0, FrameBuilder.SYN, 1460, null, 0, 0);
            case 1 -> fb.tcp(e, false, sIsn, cIsn + 1, FrameBuilder.SYN | A, 1460, null, 0, 0);
            case 2 -> fb.tcp(e, true, cIsn + 1, sIsn + 1, A, 0, null, 0, 0);
            case 3 -> fb.tcp(e, false, sIsn + 1, cIsn + 1, P, 0, banners[server], 0, b);
            case 4 -> {
                writeHex6(ehlo, 6, i);
                yield fb.tcp(e, true, cIsn + 1, sIsn + 1 + b, P, 0, ehlo, 0, c);
            }
            case 5 -> fb.tcp(e, false, sIsn + 1 + b, cIsn + 1 + c, P, 0, ehloReplies[server], 0, r);
            case 6 -> fb.tcp(e, true, cIsn + 1 + c, sIsn + 1 + b + r, A, 0, null, 0, 0);
            case 7 -> fb.tcp(e, true, cIsn + 1 + c, sIsn + 1 + b + r, F, 0, null, 0, 0);
            case 8 -> fb.tcp(e, false, sIsn + 1 + b + r, cIsn + 2 + c, F, 0, null, 0, 0);
            case 9 -> fb.tcp(e, true, cIsn + 2 + c, sIsn + 2 + b + r, A, 0, null, 0, 0);
            default -> throw new IllegalArgumentException("step " + step);
        };
    }

    private static void writeHex6(byte[] b, int at, int v) {
        for (int k = 5; k >= 0; k--) {
            b[at + k] = (byte) "0123456789abcdef".charAt(v & 15);
            v >>>= 4;
        }
    }
}
