package io.mailtap.bench.jmh;

import io.mailtap.flow.ClientBy;
import io.mailtap.flow.ConnState;
import io.mailtap.flow.Connection;
import io.mailtap.flow.EndReason;
import io.mailtap.smtp.SmtpSession;
import io.mailtap.smtp.SmtpSettings;
import io.mailtap.smtp.SmtpStats;
import org.openjdk.jmh.annotations.*;
import org.openjdk.jmh.infra.Blackhole;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * One complete pipelined SMTP session (greeting, EHLO, AUTH PLAIN, MAIL/RCPT×3/DATA, a 4 KB body,
 * QUIT) through the state machine, events to a blackhole: line framing, command parsing, reply
 * pairing and body skipping together.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SmtpBenchmark {
    private Connection conn;
    private final SmtpStats stats = new SmtpStats();
    private byte[][] client;
    private byte[][] server;

    @Setup
    public void setup() throws UnknownHostException {
        conn = new Connection("Cbench", 0, InetAddress.getByName("10.0.0.1"), "10.0.0.1", 40000,
                InetAddress.getByName("203.0.113.25"), "203.0.113.25", 587, 0, 0, 4, ClientBy.SYN);
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 60; i++) body.append("Line ").append(i).append(" of a message body that is long enough.\r\n");
        server = bytes("220 mx.example.net ESMTP\r\n",
                "250-mx.example.net\r\n250-PIPELINING\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n",
                "235 2.7.0 Authentication successful\r\n",
                "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n250 2.1.5 Ok\r\n250 2.1.5 Ok\r\n354 End data with <CR><LF>.<CR><LF>\r\n",
                "250 2.0.0 Ok: queued as 4E0B916A585\r\n", "221 2.0.0 Bye\r\n");
        client = bytes("EHLO ws1.corp.example\r\n", "AUTH PLAIN AGFsaWNlAFMzY3JldC1hbGljZQ==\r\n",
                "MAIL FROM:<> SIZE=4000\r\nRCPT TO:<a@example.net>\r\nRCPT TO:<b@example.net>\r\nRCPT TO:<c@example.org>\r\nDATA\r\n",
                body + ".\r\n", "QUIT\r\n");
    }

    private static byte[][] bytes(String... parts) {
        byte[][] b = new byte[parts.length][];
        for (int i = 0; i < parts.length; i++) b[i] = parts[i].getBytes(StandardCharsets.US_ASCII);
        return b;
    }

    @Benchmark
    public void session(Blackhole bh) {
        SmtpSession s = new SmtpSession(conn, SmtpSettings.defaults(), stats, bh::consume);
        long ts = 1;
        s.onServerData(server[0], 0, server[0].length, ts++);
        for (int i = 0; i < client.length; i++) {
            s.onClientData(client[i], 0, client[i].length, ts++);
            if (i + 1 < server.length) s.onServerData(server[i + 1], 0, server[i + 1].length, ts++);
        }
        s.onEnd(ConnState.CLOSED, EndReason.FIN, ts);
    }
}
