package io.mailtap.sensor;

import io.mailtap.alert.AlertTracker;
import io.mailtap.config.MailtapConfig;
import io.mailtap.decode.LinkType;
import io.mailtap.detect.DetectPlan;
import io.mailtap.detect.DetectionEngine;
import io.mailtap.smtp.SmtpEvent;
import io.mailtap.smtp.SmtpEventListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Before the live sensor opens its capture and reports ready, it replays synthetic SMTP sessions
 * (handshake, EHLO, AUTH, pipelined MAIL/RCPT/DATA, a body in three segments, QUIT, FINs) through
 * a throwaway pipeline and detection engine built from the same configuration, so the JIT has
 * compiled the hot path (decode → flow → smtp → detection) before the first real packet: a cold
 * sensor lost 0.8–2.7 % of the packets at 300 k/s in its first seconds while C2 compiled.
 *
 * <p>Bounded twice: at most {@code sessions} sessions and at most {@code budget} of wall time,
 * whichever comes first. Nothing of it reaches an output, a metric or the real flow table. The
 * transaction log writer and the alert sinks are not warmed (they write files).
 */
final class WarmUp {
    private static final Logger LOG = LoggerFactory.getLogger(WarmUp.class);
    private static final int CLIENT = 0x0a000001, SERVER = 0xc0000201; // 10.0.0.1 → 192.0.2.1 (TEST-NET-1)
    /** About 120 k frames: past C2's thresholds for every stage's hot methods, well under a second warm. */
    static final int DEFAULT_SESSIONS = 5_000;
    static final Duration DEFAULT_BUDGET = Duration.ofSeconds(2);

    /** No warm-up (tests that start many sensors). */
    static final WarmUp NONE = new WarmUp(0, Duration.ZERO);

    private final int sessions;
    private final Duration budget;

    WarmUp(int sessions, Duration budget) {
        this.sessions = sessions;
        this.budget = budget;
    }

    /** The warm-up {@code capture.warm_up} asks for (default {@link #DEFAULT_BUDGET}; 0: none). */
    static WarmUp of(MailtapConfig cfg) {
        Duration budget = cfg.view().section("capture").duration("warm_up");
        return budget.isZero() ? NONE : new WarmUp(DEFAULT_SESSIONS, budget);
    }

    /** The result: sessions run, the transactions the throwaway pipeline decoded from them, and the time it took. */
    record Done(int sessions, long transactions, long nanos) {}

    /** Runs the warm-up against {@code assembly} and {@code cfg}'s detection; never throws (a failure only costs the warm-up). */
    Done run(SensorAssembly assembly, MailtapConfig cfg) {
        if (sessions <= 0) return new Done(0, 0, 0);
        long start = System.nanoTime();
        long deadline = start + budget.toNanos();
        int done = 0;
        long[] transactions = {0};
        try {
            DetectionEngine detection = new DetectionEngine(DetectPlan.from(cfg.view()), new AlertTracker(cfg.alertSettings(), List.of()));
            SmtpEventListener events = e -> {
                if (e instanceof SmtpEvent.Transaction) transactions[0]++;
                detection.onEvent(e);
            };
            PacketPipeline pipeline = assembly.pipelines(1).create(events);
            Session s = new Session();
            long ts = 1_000_000_000_000_000L;
            for (; done < sessions && System.nanoTime() - deadline < 0; done++) {
                ts = s.feed(pipeline, 1024 + (done % 60_000), CLIENT + (done / 60_000), ts);
            }
            pipeline.finish();
            detection.advanceTime(ts + 3_600_000_000L);
        } catch (RuntimeException e) {
            LOG.warn("warm-up failed after {} sessions (the sensor starts anyway, cold): {}", done, e.toString());
        }
        long nanos = System.nanoTime() - start;
        LOG.info("warm-up: {} synthetic SMTP sessions in {} ms", done, nanos / 1_000_000);
        return new Done(done, transactions[0], nanos);
    }

    /** One SMTP connection's frames, built once; the client address and port are patched per session. */
    private static final class Session {
        private final List<byte[]> frames = new ArrayList<>();
        private final List<Boolean> fromClient = new ArrayList<>();

        Session() {
            StringBuilder body = new StringBuilder();
            for (int i = 0; body.length() < 4000; i++) body.append("Line ").append(i).append(" of a message body.\r\n");
            String text = body.toString();
            int c = 1000, s = 5000;
            c = add(true, c, s, 0x02, "");
            s = add(false, s, c, 0x12, "");
            add(true, c, s, 0x10, "");
            String[][] script = {
                    {"S", "220 mx.example.net ESMTP\r\n"},
                    {"C", "EHLO ws1.corp.example\r\n"},
                    {"S", "250-mx.example.net\r\n250-PIPELINING\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n"},
                    {"C", "AUTH PLAIN AHdhcm0AdXA=\r\n"},
                    {"S", "235 2.7.0 Authentication successful\r\n"},
                    {"C", "MAIL FROM:<a@example.org> SIZE=4000\r\nRCPT TO:<b@example.net>\r\nRCPT TO:<c@example.net>\r\nDATA\r\n"},
                    {"S", "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n250 2.1.5 Ok\r\n354 End data with <CR><LF>.<CR><LF>\r\n"},
                    {"C", text.substring(0, 1460)}, {"C", text.substring(1460, 2920)}, {"C", text.substring(2920) + ".\r\n"},
                    {"S", "250 2.0.0 Ok: queued as 4E0B916A585\r\n"},
                    {"C", "QUIT\r\n"}, {"S", "221 2.0.0 Bye\r\n"}};
            for (String[] step : script) {
                if (step[0].equals("C")) c = add(true, c, s, 0x18, step[1]);
                else s = add(false, s, c, 0x18, step[1]);
            }
            c = add(true, c, s, 0x11, "");
            s = add(false, s, c, 0x11, "");
            add(true, c, s, 0x10, "");
        }

        private int add(boolean client, int seq, int ack, int flags, String payload) {
            byte[] p = payload.getBytes(StandardCharsets.US_ASCII);
            frames.add(client ? frame(SERVER, 0, 25, seq, ack, flags, p) : frame(SERVER, 25, 0, seq, ack, flags, p));
            fromClient.add(client);
            return seq + p.length + ((flags & 0x03) != 0 ? 1 : 0);
        }

        /** Feeds the session with the client at {@code client}:{@code port}; returns the packet time after it. */
        long feed(PacketPipeline pipeline, int port, int client, long ts) {
            for (int i = 0; i < frames.size(); i++) {
                byte[] f = frames.get(i);
                boolean c = fromClient.get(i);
                ByteBuffer b = ByteBuffer.wrap(f);
                b.putInt(c ? 26 : 30, client); // IPv4 source / destination
                b.putShort(c ? 34 : 36, (short) port); // TCP source / destination port
                pipeline.onFrame(LinkType.ETHERNET, f, f.length, f.length, ts += 200);
            }
            return ts + 1_000_000; // a second between sessions: the flows close and expire
        }

        private static byte[] frame(int server, int sport, int dport, int seq, int ack, int flags, byte[] payload) {
            ByteBuffer b = ByteBuffer.allocate(14 + 20 + 20 + payload.length);
            b.put(new byte[] {0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 6}).putShort((short) 0x0800);
            b.put((byte) 0x45).put((byte) 0).putShort((short) (40 + payload.length)).putShort((short) 1).putShort((short) 0x4000)
                    .put((byte) 64).put((byte) 6).putShort((short) 0).putInt(0).putInt(0);
            b.putShort((short) sport).putShort((short) dport).putInt(seq).putInt(ack)
                    .put((byte) 0x50).put((byte) flags).putShort((short) 29200).putInt(0);
            b.put(payload);
            byte[] a = b.array();
            ByteBuffer.wrap(a).putInt(sport == 25 ? 26 : 30, server); // the server's address; the client's is patched per session
            return a;
        }
    }
}
