package io.mailtap.bench.jmh;

import io.mailtap.alert.AlertSink;
import io.mailtap.alert.AlertTracker;
import io.mailtap.config.ConfigLoader;
import io.mailtap.config.MailtapConfig;
import io.mailtap.detect.DetectionEngine;
import io.mailtap.flow.ClientBy;
import io.mailtap.flow.Connection;
import io.mailtap.smtp.SmtpEvent;
import org.openjdk.jmh.annotations.*;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.TimeUnit;

/**
 * Detection cost of one event on the path issue 9 item 5 names: an authenticated session pipelining
 * RCPT TO to ever new domains after {@code auth_account_burst} has fired for its account, through
 * the default rules and the alert tracker (sinks discard). {@code rcptAfterBurst} is the cost of one
 * such RCPT; {@code rcptPlain} the same RCPT without AUTH (no rule fires), the floor to compare with.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DetectionBenchmark {
    private static final String SITE = """
            sensor: { name: bench }
            network:
              internal: [10.0.0.0/8]
              mail_servers: [10.0.0.5]
              public_helo: [mail.example.org]
              local_domains: [example.org]
            """;
    private static final int DOMAINS = 4096;

    private DetectionEngine engine;
    private Connection conn;
    private final String[] rcpts = new String[DOMAINS];
    private long ts = 1_700_000_000_000_000L;
    private int next;

    @Setup
    public void setup() throws UnknownHostException {
        MailtapConfig cfg = ConfigLoader.parse(SITE);
        AlertSink discard = new AlertSink() {
            @Override public void publish(io.mailtap.alert.Alert alert) { }
            @Override public void close() { }
        };
        engine = new DetectionEngine(cfg.detectSettings(), new AlertTracker(cfg.alertSettings(), discard));
        InetAddress c = InetAddress.getByName("10.0.0.20"), s = InetAddress.getByName("10.0.0.5");
        conn = new Connection("Cbench", ts, c, c.getHostAddress(), 40000, s, s.getHostAddress(), 587,
                0, 0, 4, ClientBy.SYN);
        for (int i = 0; i < DOMAINS; i++) rcpts[i] = "<u@d" + i + ".example.net>";
        engine.onEvent(new SmtpEvent.Auth(conn, ts, "PLAIN", "alice", null, SmtpEvent.AuthResult.SUCCESS, 235, false));
        engine.onEvent(new SmtpEvent.MailFrom(conn, ts, "<alice@example.org>", null, false, 250, "ok",
                "ws.example.org", "alice", false));
        // fire the burst (more distinct recipient domains than the default limit)
        for (int i = 0; i < 200; i++) rcptAfterBurst();
    }

    @Benchmark
    public void rcptAfterBurst() {
        ts += 10;
        engine.onEvent(new SmtpEvent.Rcpt(conn, ts, rcpts[next++ & (DOMAINS - 1)], null, 250, "ok",
                "<alice@example.org>", "ws.example.org", "alice", false));
    }

    @Benchmark
    public void rcptPlain() {
        ts += 10;
        engine.onEvent(new SmtpEvent.Rcpt(conn, ts, rcpts[next++ & (DOMAINS - 1)], null, 250, "ok",
                "<alice@example.org>", "ws.example.org", null, false));
    }
}
