package io.mailtap.bench.jmh;

import io.mailtap.alert.AlertSink;
import io.mailtap.alert.AlertTracker;
import io.mailtap.capture.OfflineSource;
import io.mailtap.capture.RawFrame;
import io.mailtap.config.ConfigLoader;
import io.mailtap.config.MailtapConfig;
import io.mailtap.detect.DetectionEngine;
import io.mailtap.sensor.PacketPipeline;
import io.mailtap.smtp.SmtpEvent;
import org.openjdk.jmh.annotations.*;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The event thread's detection work on a real mix: every SMTP event of a capture (made by
 * {@code ./mailtap bench-gen}; path in the system property {@code mailtap.jmh.pcap}, default
 * {@code /tmp/mailtap-jmh-mix.pcap}) is decoded once in setup, and one operation runs all of them
 * through a fresh {@link DetectionEngine} and alert tracker (sinks discard), as a replay does.
 * {@code site} adds an address plan under which the mix's clients are internal, so the egress,
 * HELO and relay rules have work too. Divide the time and {@code -prof gc} bytes by the printed
 * event count for per-event figures; each iteration also prints the thread CPU time per event.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DetectionReplayBenchmark {
    private static final String DEFAULTS = "sensor: { name: bench }\n";
    private static final String SITE = """
            sensor: { name: bench }
            network:
              internal: [10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, fc00::/7]
              mail_servers: [10.0.0.5]
              local_domains: [example.org, example.com]
            """;

    @Param({"defaults", "site"})
    public String config;

    private List<SmtpEvent> events;
    private MailtapConfig cfg;
    private final AlertSink discard = new AlertSink() {
        @Override public void publish(io.mailtap.alert.Alert alert) { }
        @Override public void close() { }
    };

    @Setup(Level.Trial)
    public void setup() throws Exception {
        cfg = ConfigLoader.parse(config.equals("site") ? SITE : DEFAULTS);
        events = new ArrayList<>(1 << 20);
        PacketPipeline p = new PacketPipeline(cfg.flowSettings(), cfg.smtpSettings(), events::add);
        Path file = Path.of(System.getProperty("mailtap.jmh.pcap", "/tmp/mailtap-jmh-mix.pcap"));
        try (OfflineSource src = OfflineSource.open(file, null)) {
            RawFrame f = new RawFrame();
            while (src.next(f)) p.onFrame(src.linkType(), f.data, f.capturedLength, f.wireLength, f.tsMicros);
        }
        p.finish();
        System.out.println("\n" + events.size() + " events from " + file);
    }

    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();
    private long cpuNanos, ops;

    @Benchmark
    public long allEvents() {
        long cpu0 = THREADS.getCurrentThreadCpuTime();
        DetectionEngine engine = new DetectionEngine(io.mailtap.detect.DetectPlan.from(cfg.view()), new AlertTracker(cfg.alertSettings(), discard));
        for (SmtpEvent e : events) engine.onEvent(e);
        cpuNanos += THREADS.getCurrentThreadCpuTime() - cpu0;
        ops++;
        return engine.stats().events();
    }

    /**
     * Thread CPU time per event, printed per iteration: on a shared machine wall time per
     * operation measures the load as much as the code; CPU time does not (much).
     */
    @TearDown(Level.Iteration)
    public void cpuPerEvent() {
        if (ops > 0) System.out.printf("%n[cpu] %.1f ns/event over %d ops%n", (double) cpuNanos / ops / events.size(), ops);
        cpuNanos = 0;
        ops = 0;
    }
}
