package io.mailtap.sensor;

import io.mailtap.config.ConfigLoader;
import io.mailtap.config.MailtapConfig;
import io.mailtap.decode.Frames;
import io.mailtap.decode.LinkType;
import io.mailtap.decode.PacketView;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sensor health an on-call person can trust: on a dead SPAN port the heartbeat keeps packet time
 * moving, so the wire's own time must be exported apart from it — the capture timestamp of the last
 * packet actually read — and every series names the sensor and its site.
 */
@Timeout(60)
class SensorHealthMetricsTest {
    @TempDir
    Path dir;

    private final List<LiveSensor> started = new ArrayList<>();

    @AfterEach
    void stopAll() {
        for (LiveSensor s : started) s.stop();
    }

    private LiveSensor start(String yaml, ScriptedSource src) throws Exception {
        Path f = dir.resolve("mailtap.yml");
        String out = "output:\n  dir: " + dir.resolve("out") + "\n";
        Files.writeString(f, "metrics:\n  listen: null\n"
                + (yaml.contains("output:\n") ? yaml.replace("output:\n", out) : out + yaml));
        MailtapConfig cfg = ConfigLoader.load(f);
        LiveSensor s = new LiveSensor(cfg, f, "test", () -> new CaptureOpener.Opened(src, "scripted"), SinkFactory.none(),
                SystemdNotifier.disabled());
        started.add(s);
        s.start();
        return s;
    }

    private static Scrape await(LiveSensor s, Predicate<Scrape> done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        Scrape last;
        do {
            last = Scrape.parse(s.metrics().scrape());
            if (done.test(last)) return last;
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        return last;
    }

    private static byte[] syn(int sport) {
        return Frames.ethernet(Frames.ETH_IPV4, Frames.ipv4("10.1.2.3", "203.0.113.25", Frames.IPPROTO_TCP,
                Frames.tcp(sport, 25, 1000, 0, PacketView.SYN, 29200, 0, new byte[0])));
    }

    @Test
    void theLastPacketTimestampIsTheWiresAndTheHeartbeatDoesNotMoveIt() throws Exception {
        ScriptedSource src = new ScriptedSource(LinkType.ETHERNET, false, List.of());
        LiveSensor s = start("sensor:\n  name: edge-1\n  site: fra1\ncapture:\n  heartbeat: 100ms\n  timeout_ms: 10\n", src);
        assertThat(Scrape.parse(s.metrics().scrape()).value("mailtap_capture_last_packet_timestamp_seconds"))
                .as("no packet yet").isZero();

        long t0 = System.currentTimeMillis() * 1000L - 5_000_000L; // captured 5 s ago
        src.add(syn(40000), t0);
        Scrape idle = await(s, m -> m.value("mailtap_packets_total") == 1
                && m.value("mailtap_packet_time_seconds") > t0 / 1e6 + 1);
        assertThat(idle.value("mailtap_packet_time_seconds")).as("the heartbeat moved packet time").isGreaterThan(t0 / 1e6 + 1);
        assertThat(idle.value("mailtap_capture_last_packet_timestamp_seconds")).as("but not the wire's time")
                .isEqualTo(t0 / 1e6);
        assertThat(idle.value("mailtap_capture_last_packet_timestamp_seconds", "sensor", "edge-1", "site", "fra1"))
                .isEqualTo(t0 / 1e6);

        long t1 = t0 + 2_500_000L;
        src.add(syn(40001), t1);
        Scrape next = await(s, m -> m.value("mailtap_packets_total") == 2);
        assertThat(next.value("mailtap_capture_last_packet_timestamp_seconds")).isEqualTo(t1 / 1e6);
        next.assertFollowsContract(false);
    }

    @Test
    void theStatsLineIsLoggedEveryIntervalWithTotalsAndIncrease() throws Exception {
        ch.qos.logback.classic.Logger stats = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("io.mailtap.stats");
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines = new ch.qos.logback.core.read.ListAppender<>();
        lines.start();
        stats.addAppender(lines);
        try {
            ScriptedSource src = new ScriptedSource(LinkType.ETHERNET, false, List.of());
            src.add(syn(40000), System.currentTimeMillis() * 1000L);
            start("capture:\n  heartbeat: 100ms\noutput:\n  stats_interval: 100ms\n", src);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            List<String> got = List.of();
            while (System.nanoTime() < deadline) {
                synchronized (lines) {
                    got = lines.list.stream().map(e -> e.getFormattedMessage()).toList();
                }
                if (got.stream().anyMatch(l -> l.startsWith("stats: packets 1 (+0) "))) break;
                Thread.sleep(50);
            }
            assertThat(got).anyMatch(l -> l.startsWith("stats: packets 1 (+") && l.contains(" flows 1 (+"));
            assertThat(got).as("a later line: the same totals, nothing new")
                    .anyMatch(l -> l.equals("stats: packets 1 (+0) drops 0 (+0) flows 1 (+0) transactions 0 (+0) alerts 1 (+0)"
                            + " anomalies 0 (+0) sink_drops 0 (+0) records_lost 0 (+0)"));
        } finally {
            stats.detachAppender(lines);
        }
    }
}
