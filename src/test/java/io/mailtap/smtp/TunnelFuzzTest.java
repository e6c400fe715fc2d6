package io.mailtap.smtp;

import io.mailtap.flow.ClientBy;
import io.mailtap.flow.ConnState;
import io.mailtap.flow.EndReason;
import io.mailtap.stream.ContentProbe;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.mailtap.smtp.ProxyTunnelTest.b;
import static io.mailtap.smtp.ProxyTunnelTest.cat;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seeded random input that starts like a proxy handshake (0x05, 0x04, "CONNECT "), and real
 * handshakes with random bytes flipped, cut or followed by garbage: the session and the probe must
 * never throw, never hit the internal-error guard, and the session must end with one ConnectionEnd.
 */
class TunnelFuzzTest {
    private static final byte[][] PREFIXES = {b(5), b(4), "CONNECT ".getBytes(StandardCharsets.US_ASCII)};

    /** Valid handshakes (client part, server part) to mutate. */
    private static final byte[][][] VALID = {
        {cat(b(5, 1, 0), ProxyTunnelTest.socks5Request("mx.example.com", 25)), cat(b(5, 0), ProxyTunnelTest.SOCKS5_OK)},
        {cat(b(5, 1, 2, 1, 1, 'u', 1, 'p'), b(5, 1, 0, 1, 1, 2, 3, 4, 0, 25)), cat(b(5, 2, 1, 0), ProxyTunnelTest.SOCKS5_OK)},
        {cat(b(4, 1, 0, 25, 0, 0, 0, 9), "id", b(0), "mx", b(0)), b(0, 0x5a, 0, 0, 0, 0, 0, 0)},
        {"CONNECT mx:25 HTTP/1.1\r\nA: b\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
            "HTTP/1.1 200 OK\r\nB: c\r\n\r\n".getBytes(StandardCharsets.US_ASCII)},
    };
    private static final String SMTP_SERVER = "220 hi\r\n250 ok\r\n250 ok\r\n", SMTP_CLIENT = "EHLO x\r\nMAIL FROM:<a@b>\r\n";

    @Test
    void randomBytesAfterATunnelPrefix() {
        Random rnd = new Random(1928L);
        for (int run = 0; run < 3000; run++) {
            byte[] prefix = PREFIXES[rnd.nextInt(PREFIXES.length)];
            List<byte[]> client = new ArrayList<>(), server = new ArrayList<>();
            client.add(cat(prefix, random(rnd, rnd.nextInt(64))));
            for (int i = rnd.nextInt(6); i > 0; i--) {
                (rnd.nextBoolean() ? client : server).add(random(rnd, rnd.nextInt(rnd.nextBoolean() ? 16 : 600)));
            }
            drive(rnd, client, server);
        }
    }

    @Test
    void mutatedRealHandshakes() {
        Random rnd = new Random(1929L);
        for (int run = 0; run < 3000; run++) {
            byte[][] v = VALID[rnd.nextInt(VALID.length)];
            byte[] c = mutate(rnd, cat(v[0], rnd.nextBoolean() ? SMTP_CLIENT : ""));
            byte[] s = mutate(rnd, cat(v[1], rnd.nextBoolean() ? SMTP_SERVER : ""));
            List<byte[]> client = split(rnd, c), server = split(rnd, s);
            drive(rnd, client, server);
        }
    }

    private static byte[] random(Random rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        if (rnd.nextInt(3) == 0) for (int i = 0; i < n; i++) b[i] = (byte) (b[i] & 0x07); // small values: valid-looking fields
        return b;
    }

    private static byte[] mutate(Random rnd, byte[] in) {
        byte[] b = in.clone();
        int flips = rnd.nextInt(4);
        for (int i = 0; i < flips && b.length > 0; i++) b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
        if (rnd.nextInt(4) == 0 && b.length > 0) b = java.util.Arrays.copyOf(b, rnd.nextInt(b.length));
        return b;
    }

    private static List<byte[]> split(Random rnd, byte[] b) {
        List<byte[]> out = new ArrayList<>();
        int i = 0;
        while (i < b.length) {
            int n = 1 + rnd.nextInt(Math.min(b.length - i, 40));
            out.add(java.util.Arrays.copyOfRange(b, i, i + n));
            i += n;
        }
        return out;
    }

    /** Interleaves the two sides (client first) into a session and into a probe. */
    private static void drive(Random rnd, List<byte[]> client, List<byte[]> server) {
        SmtpStats stats = new SmtpStats();
        List<SmtpEvent> events = new ArrayList<>();
        SmtpSession session = new SmtpSession(Harness.connection(ClientBy.SYN), SmtpSettings.defaults(), stats, events::add);
        ContentProbe probe = new ContentProbe(true, true, SmtpWords.INSTANCE);
        ContentProbe.Verdict verdict = ContentProbe.Verdict.UNDECIDED;
        long ts = Harness.START;
        int c = 0, s = 0;
        while (c < client.size() || s < server.size()) {
            ts += 1 + rnd.nextInt(100);
            boolean fromClient = s >= server.size() || (c < client.size() && (c == 0 || rnd.nextBoolean()));
            if (rnd.nextInt(40) == 0) {
                session.onGap(fromClient, 1 + rnd.nextInt(100), ts);
                continue;
            }
            byte[] b = fromClient ? client.get(c++) : server.get(s++);
            if (fromClient) session.onClientData(b, 0, b.length, ts);
            else session.onServerData(b, 0, b.length, ts);
            if (verdict == ContentProbe.Verdict.UNDECIDED) verdict = probe.onData(fromClient, b, 0, b.length, ts);
            assertThat(probe.allocatedBytes()).isLessThanOrEqualTo(ContentProbeTest.MAX_ALLOCATED);
        }
        if (verdict == ContentProbe.Verdict.UNDECIDED) assertThat(probe.atEnd()).isNotEqualTo(ContentProbe.Verdict.UNDECIDED);
        session.onEnd(ConnState.CLOSED, EndReason.FIN, ts + 1);
        assertThat(stats.get(SmtpCounter.INTERNAL_ERRORS)).as("internal errors, events %s", events).isZero();
        assertThat(events).noneMatch(e -> e instanceof SmtpEvent.Anomaly && ((SmtpEvent.Anomaly) e).kind() == Anomaly.INTERNAL_ERROR);
        assertThat(events.stream().filter(e -> e instanceof SmtpEvent.ConnectionEnd).count()).isEqualTo(1);
        assertThat(events.get(events.size() - 1)).isInstanceOf(SmtpEvent.ConnectionEnd.class);
    }

    @Test
    void throughTheFlowTableOnProxyPorts() {
        Random rnd = new Random(1930L);
        for (int run = 0; run < 300; run++) {
            Wire w = new Wire(true);
            Wire.Conv conv = w.conv("192.0.2.10", 40000 + run, "198.51.100.25", rnd.nextBoolean() ? 1080 : 25).handshake();
            byte[][] v = VALID[rnd.nextInt(VALID.length)];
            conv.client(mutate(rnd, v[0]));
            conv.server(mutate(rnd, cat(v[1], SMTP_SERVER)));
            conv.client(random(rnd, 1 + rnd.nextInt(100)));
            conv.close();
            w.finish();
            assertThat(w.stats.get(SmtpCounter.INTERNAL_ERRORS)).isZero();
            long ends = w.events.stream().filter(e -> e instanceof SmtpEvent.ConnectionEnd).count();
            assertThat(ends).isLessThanOrEqualTo(1);
            if (!w.events.isEmpty()) assertThat(w.events.get(w.events.size() - 1)).isInstanceOf(SmtpEvent.ConnectionEnd.class);
        }
    }

}
