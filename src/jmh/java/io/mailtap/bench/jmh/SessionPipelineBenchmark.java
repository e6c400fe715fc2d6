package io.mailtap.bench.jmh;

import io.mailtap.decode.LinkType;
import io.mailtap.flow.FlowSettings;
import io.mailtap.sensor.PacketPipeline;
import io.mailtap.smtp.SmtpSettings;
import org.openjdk.jmh.annotations.*;
import org.openjdk.jmh.infra.Blackhole;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One complete SMTP connection as the sensor meets it: 24 frames (handshake, greeting, EHLO,
 * AUTH PLAIN, pipelined MAIL/RCPT×3/DATA, a 4 KB body in three segments, QUIT, FINs) through
 * decode → flow → reassembly → SMTP state machine, events to a blackhole. Each operation uses a
 * new client port, so it is a new connection in a table that keeps expiring old ones.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SessionPipelineBenchmark {
    private static final int CLIENT = 0x0a000001, SERVER = 0xcb007119;
    private PacketPipeline pipeline;
    private final List<byte[]> frames = new ArrayList<>();
    private final List<Boolean> fromClient = new ArrayList<>();
    private int port = 1024;
    private long ts = 1_700_000_000_000_000L;
    private Blackhole bh;

    @Setup
    public void setup() {
        FlowSettings d = FlowSettings.defaults();
        // short closed-linger so the table holds a steady number of connections
        FlowSettings fs = new FlowSettings(FlowSettings.DEFAULT_SMTP_PORTS, false, d.maxFlows(),
                d.maxBufferedBytesPerDirection(), d.maxBufferedBytesTotal(), d.attemptTimeoutMicros(),
                d.idleTimeoutMicros(), 1_000L);
        pipeline = new PacketPipeline(fs, SmtpSettings.defaults(), e -> bh.consume(e));
        StringBuilder body = new StringBuilder();
        for (int i = 0; body.length() < 4000; i++) body.append("Line ").append(i).append(" of a message body that is long enough.\r\n");
        String bodyText = body.toString();
        int c = 1000, s = 5000;
        c = add(true, c, s, 0x02, "");        // SYN
        s = add(false, s, c, 0x12, "");       // SYN/ACK
        add(true, c, s, 0x10, "");            // ACK
        String[][] script = {
                {"S", "220 mx.example.net ESMTP\r\n"},
                {"C", "EHLO ws1.corp.example\r\n"},
                {"S", "250-mx.example.net\r\n250-PIPELINING\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n"},
                {"C", "AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n"},
                {"S", "235 2.7.0 Authentication successful\r\n"},
                {"C", "MAIL FROM:<> SIZE=4000\r\nRCPT TO:<a@example.net>\r\nRCPT TO:<b@example.net>\r\nRCPT TO:<c@example.org>\r\nDATA\r\n"},
                {"S", "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n250 2.1.5 Ok\r\n250 2.1.5 Ok\r\n354 End data with <CR><LF>.<CR><LF>\r\n"},
                {"C", bodyText.substring(0, 1460)}, {"C", bodyText.substring(1460, 2920)}, {"C", bodyText.substring(2920) + ".\r\n"},
                {"S", "250 2.0.0 Ok: queued as 4E0B916A585\r\n"},
                {"C", "QUIT\r\n"}, {"S", "221 2.0.0 Bye\r\n"}};
        for (String[] step : script) {
            if (step[0].equals("C")) c = add(true, c, s, 0x18, step[1]);
            else s = add(false, s, c, 0x18, step[1]);
        }
        c = add(true, c, s, 0x11, "");        // FIN
        s = add(false, s, c, 0x11, "");       // FIN
        add(true, c, s, 0x10, "");            // last ACK
    }

    /** Adds a frame with the client port left 0 (patched per operation); returns the next sequence number. */
    private int add(boolean client, int seq, int ack, int flags, String payload) {
        byte[] p = payload.getBytes(StandardCharsets.US_ASCII);
        frames.add(client ? JmhFrames.ipv4Tcp(0, CLIENT, SERVER, 0, 25, seq, ack, flags, p)
                : JmhFrames.ipv4Tcp(0, SERVER, CLIENT, 25, 0, seq, ack, flags, p));
        fromClient.add(client);
        return seq + p.length + ((flags & 0x03) != 0 ? 1 : 0);
    }

    @Benchmark
    public void connection(Blackhole bh) {
        this.bh = bh;
        port = port == 65535 ? 1024 : port + 1;
        for (int i = 0; i < frames.size(); i++) {
            byte[] f = frames.get(i);
            int off = fromClient.get(i) ? 34 : 36; // source or destination port of the client
            f[off] = (byte) (port >>> 8);
            f[off + 1] = (byte) port;
            ts += 50;
            pipeline.onFrame(LinkType.ETHERNET, f, f.length, f.length, ts);
        }
    }
}
