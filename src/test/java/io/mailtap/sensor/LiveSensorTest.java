package io.mailtap.sensor;

import io.mailtap.decode.DecodeCounter;
import io.mailtap.capture.CaptureException;
import io.mailtap.capture.OfflineSource;
import io.mailtap.config.ConfigLoader;
import io.mailtap.config.MailtapConfig;
import io.mailtap.decode.Frames;
import io.mailtap.decode.LinkType;
import io.mailtap.decode.PacketView;
import io.mailtap.detect.RuleId;
import io.mailtap.detect.Severity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The live sensor's threads, heartbeat, reload and stop, driven by scripted packet sources (no
 * capture rights needed). The loopback capture itself is {@link LiveSensorLoopbackTest}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LiveSensorTest {
    private static final Path SAMPLES = Path.of("samples");

    @TempDir
    Path dir;

    private final List<LiveSensor> started = new ArrayList<>();

    @AfterEach
    void stopAll() {
        for (LiveSensor s : started) s.stop();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private Path config(String extraYaml) throws IOException {
        Path f = dir.resolve("mailtap.yml");
        Files.writeString(f, "output:\n  dir: " + dir.resolve("out") + "\n"
                + "metrics:\n  listen: \"127.0.0.1:" + freePort() + "\"\n" + extraYaml);
        return f;
    }

    private LiveSensor start(Path configFile, CaptureOpener opener) throws Exception {
        MailtapConfig cfg = ConfigLoader.load(configFile);
        LiveSensor s = new LiveSensor(cfg, configFile, "test", opener, SinkFactory.none(), SystemdNotifier.disabled());
        started.add(s);
        s.start();
        return s;
    }

    private static CaptureOpener scripted(ScriptedSource src) {
        return () -> new CaptureOpener.Opened(src, "scripted");
    }

    private static Scrape scrape(LiveSensor s) {
        return Scrape.parse(s.metrics().scrape());
    }

    /** Polls the sensor's metrics until {@code done} holds (at most {@code seconds}). */
    private static Scrape awaitMetrics(LiveSensor s, int seconds, Predicate<Scrape> done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        Scrape last;
        do {
            last = scrape(s);
            if (done.test(last)) return last;
            Thread.sleep(50);
        } while (System.nanoTime() < deadline);
        return last;
    }

    private static byte[] syn(String src, int sport, String dst, int dport) {
        return Frames.ethernet(Frames.ETH_IPV4, Frames.ipv4(src, dst, Frames.IPPROTO_TCP,
                Frames.tcp(sport, dport, 1000, 0, PacketView.SYN, 29200, 0, new byte[0])));
    }

    /** A data segment picked up mid-stream: the flow starts established at once. */
    private static byte[] data(String src, int sport, String dst, int dport, String payload) {
        return Frames.ethernet(Frames.ETH_IPV4, Frames.ipv4(src, dst, Frames.IPPROTO_TCP,
                Frames.tcp(sport, dport, Frames.ascii(payload))));
    }

    private static long nowMicros() {
        return System.currentTimeMillis() * 1000L;
    }

    // ------------------------------------------------------------------ sharded = single-threaded

    /**
     * The lab capture through the live machinery with three workers gives exactly the transaction
     * log a single-threaded replay gives (in another order): both directions of every connection
     * reached the same worker, and nothing was lost between the threads.
     */
    @Test
    void threeWorkersLogWhatTheOfflineReplayLogs() throws Exception {
        Path pcap = SAMPLES.resolve("incident-2-null-sender.pcap");
        Path cfgFile = config(Files.readString(SAMPLES.resolve("lab.yml"))
                + "capture:\n  workers: 3\n  ring_size: 4096\n  heartbeat: 100ms\n");
        LiveSensor s = start(cfgFile, () -> new CaptureOpener.Opened(OfflineSource.open(pcap, null), null));
        assertThat(s.awaitTermination(Duration.ofSeconds(20))).as("file ended, pipeline drained").isTrue();
        assertThat(s.stop()).isTrue();
        assertThat(s.failure()).isNull();

        MailtapConfig cfg = ConfigLoader.load(cfgFile);
        Path offline = dir.resolve("offline");
        Replay.Report report;
        try (Detection d = Detection.build(cfg, offline, false, List.of())) {
            report = new Replay(cfg.flowSettings(), cfg.smtpSettings(), cfg.sensor().name(), List.of(d.engine()), 0)
                    .run(List.of(pcap), null, offline);
        }
        List<String> expected = Files.readAllLines(offline.resolve("smtp.jsonl")).stream().sorted().toList();
        List<String> live = Files.readAllLines(dir.resolve("out/smtp.jsonl")).stream().sorted().toList();
        assertThat(expected).hasSize((int) report.transactionLines()).hasSizeGreaterThan(50);
        assertThat(live).containsExactlyElementsOf(expected);

        Scrape m = scrape(s);
        assertThat(m.value("mailtap_capture_packets_dropped_total", "where", "ring")).isZero();
        assertThat(m.value("mailtap_packets_total")).isEqualTo(1344);
        assertThat(m.value("mailtap_smtp_null_sender_total")).isEqualTo(60);
        assertThat(m.value("mailtap_alerts_raised_total", "rule", "null_sender_burst", "severity", "critical")).isPositive();
        for (WorkerAgent w : s.workers()) {
            assertThat(w.pipeline().decodeStats().get(DecodeCounter.FRAMES)).as("worker %d got a share", w.id()).isPositive();
            assertThat(w.eventsLost()).isZero();
        }
        assertThat(Files.readString(dir.resolve("out/alerts.jsonl"))).contains("\"rule\":\"null_sender_burst\"");
    }

    /** A ring of 2 slots against a file read at full speed: drops happen, are counted, and add up. */
    @Test
    void aFullRingDropsAndEveryDropIsCounted() throws Exception {
        Path pcap = SAMPLES.resolve("incident-2-null-sender.pcap");
        Path cfgFile = config("capture:\n  workers: 1\n  ring_size: 2\n");
        LiveSensor s = start(cfgFile, () -> new CaptureOpener.Opened(OfflineSource.open(pcap, null), null));
        assertThat(s.awaitTermination(Duration.ofSeconds(20))).isTrue();
        s.stop();

        Scrape m = scrape(s);
        double dropped = m.value("mailtap_capture_packets_dropped_total", "where", "ring");
        assertThat(m.value("mailtap_capture_packets_received_total")).isEqualTo(1344);
        assertThat(m.value("mailtap_packets_total") + dropped).as("decoded + dropped = read").isEqualTo(1344);
        assertThat(s.failure()).isNull();
    }

    // ------------------------------------------------------------------ heartbeat

    /**
     * No traffic after one SYN: packet time keeps moving with the heartbeat, the SYN-only flow
     * expires after flow.attempt_timeout, and the egress alert it raised resolves.
     */
    @Test
    void onAnIdleWireTheHeartbeatExpiresFlowsAndResolvesAlerts() throws Exception {
        ScriptedSource src = new ScriptedSource(LinkType.ETHERNET, false, List.of());
        Path cfgFile = config("capture:\n  workers: 2\n  heartbeat: 100ms\n  timeout_ms: 10\n"
                + "flow:\n  attempt_timeout: 1s\n"
                // longer than the attempt timeout: the alert opened at the SYN is still open when the
                // unanswered flow ends, and resolves once, after it
                + "alerts:\n  dedup:\n    resolve_after: 2s\n");
        LiveSensor s = start(cfgFile, scripted(src));
        long t0 = nowMicros();
        src.add(syn("10.1.2.3", 40000, "203.0.113.25", 25), t0);

        Scrape first = awaitMetrics(s, 5, m -> m.value("mailtap_flows_active") == 1);
        assertThat(first.value("mailtap_flows_active")).isEqualTo(1);
        Scrape done = awaitMetrics(s, 10, m -> m.value("mailtap_flows_ended_total", "reason", "timeout") == 1
                && m.value("mailtap_alerts_notifications_total", "rule", "egress_policy", "status", "resolved") == 1);
        assertThat(done.value("mailtap_flows_ended_total", "reason", "timeout")).isEqualTo(1);
        assertThat(done.value("mailtap_smtp_connections_total", "state", "attempted")).isEqualTo(1);
        assertThat(done.value("mailtap_flows_active")).isZero();
        assertThat(done.value("mailtap_alerts_raised_total", "rule", "egress_policy", "severity", "critical")).isEqualTo(1);
        assertThat(done.value("mailtap_alerts_notifications_total", "rule", "egress_policy", "status", "resolved")).isEqualTo(1);
        assertThat(done.value("mailtap_alerts_active", "rule", "egress_policy")).isZero();

        double p1 = done.value("mailtap_packet_time_seconds");
        assertThat(p1).isGreaterThanOrEqualTo((t0 + 1_000_000) / 1e6);
        Thread.sleep(400);
        double p2 = scrape(s).value("mailtap_packet_time_seconds");
        assertThat(p2).as("packet time moves on an idle wire").isGreaterThan(p1);
        assertThat(p2).as("but not past the wall clock").isLessThanOrEqualTo(nowMicros() / 1e6);

        s.stop();
        String alerts = Files.readString(dir.resolve("out/alerts.jsonl"));
        assertThat(alerts).contains("\"status\":\"firing\"").contains("\"status\":\"resolved\"");
    }

    // ------------------------------------------------------------------ reload

    @Test
    void reloadAppliesDetectionChangesLiveAndKeepsTheOldConfigWhenTheFileIsInvalid() throws Exception {
        ScriptedSource src = new ScriptedSource(LinkType.ETHERNET, false, List.of());
        Path cfgFile = config("capture:\n  heartbeat: 100ms\n");
        String base = Files.readString(cfgFile);
        LiveSensor s = start(cfgFile, scripted(src));
        DetectionSlot.Generation g0 = s.detection().current();
        assertThat(g0.severity[RuleId.EGRESS_POLICY.ordinal()]).isEqualTo(Severity.CRITICAL);

        // a connection in flight survives the reload (picked up mid-stream)
        long t0 = nowMicros();
        src.add(data("10.1.2.3", 40000, "203.0.113.25", 25, "EHLO ws\r\n"), t0);
        awaitMetrics(s, 5, m -> m.value("mailtap_flows_active") == 1
                && m.value("mailtap_alerts_raised_total", "rule", "egress_policy", "severity", "critical") == 1);

        Files.writeString(cfgFile, base + "detect:\n  egress_policy:\n    severity: info\n");
        assertThat(s.reload()).isTrue();
        assertThat(s.detection().current()).isNotSameAs(g0);
        assertThat(s.detection().current().severity[RuleId.EGRESS_POLICY.ordinal()]).isEqualTo(Severity.INFO);
        assertThat(s.config().rule(RuleId.EGRESS_POLICY).severity()).isEqualTo(Severity.INFO);
        Scrape m = scrape(s);
        assertThat(m.value("mailtap_config_reloads_total", "result", "success")).isEqualTo(1);
        assertThat(m.value("mailtap_flows_active")).as("flow state kept").isEqualTo(1);
        assertThat(m.value("mailtap_flows_started_total")).isEqualTo(1);
        assertThat(m.value("mailtap_alerts_raised_total", "rule", "egress_policy", "severity", "critical"))
                .as("raised before the reload, kept").isEqualTo(1);
        assertThat(m.value("mailtap_alerts_raised_total", "rule", "egress_policy", "severity", "info")).isZero();

        // the new severity is what new alerts get
        src.add(data("10.1.2.4", 40001, "203.0.113.25", 25, "EHLO ws\r\n"), t0 + 1000);
        m = awaitMetrics(s, 5, x -> x.value("mailtap_alerts_raised_total", "rule", "egress_policy", "severity", "info") == 1);
        assertThat(m.value("mailtap_alerts_raised_total", "rule", "egress_policy", "severity", "info")).isEqualTo(1);
        m.assertFollowsContract(false);

        // an invalid file: one failure counted, everything as it was
        DetectionSlot.Generation g1 = s.detection().current();
        Files.writeString(cfgFile, base + "detect:\n  egress_policy:\n    severity: loud\nnonsense: 1\n");
        assertThat(s.reload()).isFalse();
        assertThat(s.detection().current()).isSameAs(g1);
        assertThat(s.config().rule(RuleId.EGRESS_POLICY).severity()).isEqualTo(Severity.INFO);
        m = scrape(s);
        assertThat(m.value("mailtap_config_reloads_total", "result", "failure")).isEqualTo(1);
        assertThat(m.value("mailtap_config_reloads_total", "result", "success")).isEqualTo(1);

        // a restart-only change is accepted, logged, and leaves the detection stage alone
        Files.writeString(cfgFile, base.replace("capture:\n", "capture:\n  workers: 5\n")
                + "detect:\n  egress_policy:\n    severity: info\n");
        assertThat(s.reload()).isTrue();
        assertThat(s.detection().current()).isSameAs(g1);
        assertThat(s.workers()).hasSize(2);
        assertThat(s.stop()).isTrue();
        assertThat(s.reload()).as("not running any more").isFalse();
    }

    @Test
    void reloadPlanSeparatesLiveKeysFromRestartKeys() {
        MailtapConfig a = ConfigLoader.parse("capture:\n  workers: 2\n");
        MailtapConfig b = ConfigLoader.parse("capture:\n  workers: 4\n  filter: tcp\nflow:\n  max_flows: 10\n"
                + "metrics:\n  basic_auth:\n    username: u\n    password: secret\n");
        ReloadPlan p = ReloadPlan.of(a, a, b);
        assertThat(p.detectionChanged()).isFalse();
        assertThat(p.needsRestart()).containsExactly("capture.filter", "capture.workers", "flow.max_flows", "metrics.basic_auth");
        assertThat(String.join(" ", p.needsRestart())).doesNotContain("secret");

        MailtapConfig c = ConfigLoader.parse("capture:\n  workers: 2\nnetwork:\n  mail_servers: [10.0.0.5]\n");
        assertThat(ReloadPlan.of(a, a, c)).isEqualTo(new ReloadPlan(true, List.of()));
        MailtapConfig d = ConfigLoader.parse("capture:\n  workers: 2\nalerts:\n  webhook:\n    url: http://127.0.0.1:1/x\n");
        assertThat(ReloadPlan.of(a, a, d).detectionChanged()).isTrue();
        assertThat(ReloadPlan.of(a, a, ConfigLoader.parse("capture:\n  workers: 2\n"))).isEqualTo(new ReloadPlan(false, List.of()));
    }

    // ------------------------------------------------------------------ stop, failure, endpoint

    @Test
    void stopsAnIdleSensorWithinABoundAndClosesTheHandleOnTheCaptureThread() throws Exception {
        ScriptedSource src = new ScriptedSource(LinkType.ETHERNET, false, List.of());
        LiveSensor s = start(config(""), scripted(src));
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(
                s.metricsUrl().replace("/metrics", "/-/healthy"))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create(s.metricsUrl())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        Scrape.parse(metrics.body()).assertFollowsContract(false);
        Thread.sleep(300); // every thread idle: capture blocked in read, workers parked

        long t = System.nanoTime();
        assertThat(s.stop()).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - t)).isLessThan(Duration.ofSeconds(3));
        assertThat(s.stop()).as("idempotent").isTrue();
        assertThat(src.closed()).isTrue();
        assertThat(src.closedBy().getName()).isEqualTo("mailtap-capture");
        assertThat(s.healthy()).isFalse();
        assertThat(s.awaitTermination(Duration.ofMillis(10))).isTrue();
        assertThatThrownBy(() -> http.send(HttpRequest.newBuilder(URI.create(s.metricsUrl())).build(),
                HttpResponse.BodyHandlers.ofString())).isInstanceOf(ConnectException.class);
    }

    @Test
    void aCaptureErrorEndsTheSensorWithTheReason() throws Exception {
        ScriptedSource src = new ScriptedSource(LinkType.ETHERNET, false,
                List.of(new ScriptedSource.Frame(syn("10.1.2.3", 40000, "203.0.113.25", 25), nowMicros())));
        src.failWhenEmpty(new CaptureException("interface 'eth9': read failed after 1 packets: device went down"));
        LiveSensor s = start(config(""), scripted(src));
        assertThat(s.awaitTermination(Duration.ofSeconds(10))).isTrue();
        assertThat(s.failure()).contains("device went down");
        assertThat(s.stop()).isTrue();
        Scrape m = scrape(s);
        assertThat(m.value("mailtap_flows_ended_total", "reason", "shutdown")).as("flushed at the end").isEqualTo(1);
    }

    @Test
    void oneCaptureHandleEndingEndsEveryHandleOfTheFanoutGroup() throws Exception {
        ScriptedSource quiet = new ScriptedSource(LinkType.ETHERNET, false, List.of()); // an idle wire: blocks in read
        ScriptedSource failing = new ScriptedSource(LinkType.ETHERNET, false,
                List.of(new ScriptedSource.Frame(syn("10.1.2.3", 40000, "203.0.113.25", 25), nowMicros())));
        failing.failWhenEmpty(new CaptureException("interface 'eth9': read failed after 1 packets: device went down"));
        LiveSensor s = start(config("capture:\n  threads: 2\n  workers: 4\n"),
                () -> new CaptureOpener.Opened(List.of(quiet, failing), "scripted", 7));
        assertThat(s.workers()).hasSize(4);
        assertThat(s.awaitTermination(Duration.ofSeconds(10))).as("the quiet handle is broken too").isTrue();
        assertThat(s.failure()).contains("capture handle 1").contains("device went down");
        assertThat(quiet.closed()).isTrue();
        assertThat(quiet.closedBy().getName()).isEqualTo("mailtap-capture-0");
        assertThat(failing.closedBy().getName()).isEqualTo("mailtap-capture-1");
        assertThat(s.stop()).isTrue();
        Scrape m = scrape(s);
        assertThat(m.value("mailtap_capture_handle_packets_received_total", "handle", "0")).isZero();
        assertThat(m.value("mailtap_capture_handle_packets_received_total", "handle", "1")).isEqualTo(1);
        assertThat(m.value("mailtap_capture_packets_received_total")).as("the handles' sum").isEqualTo(1);
        assertThat(m.value("mailtap_flows_ended_total", "reason", "shutdown")).as("flushed at the end").isEqualTo(1);
    }

    @Test
    void aStartFailureClosesWhatWasOpened() throws Exception {
        ScriptedSource src = new ScriptedSource(LinkType.ETHERNET, false, List.of());
        Path cfgFile = config("capture:\n  interface: eth7\n");
        // the metrics port is taken
        try (ServerSocket busy = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Files.writeString(cfgFile, Files.readString(cfgFile).replaceAll("127\\.0\\.0\\.1:\\d+", "127.0.0.1:" + busy.getLocalPort()));
            MailtapConfig cfg = ConfigLoader.load(cfgFile);
            LiveSensor s = new LiveSensor(cfg, cfgFile, "test", scripted(src), SinkFactory.none(), SystemdNotifier.disabled());
            assertThatThrownBy(s::start).isInstanceOf(SensorException.class)
                    .hasMessageStartingWith("cannot listen on metrics.listen 127.0.0.1:" + busy.getLocalPort());
            assertThat(src.closed()).isTrue();
            assertThat(s.stop()).isTrue();
        }
        CaptureOpener failing = () -> {
            throw new CaptureException("cannot capture on interface 'eth7': socket: Operation not permitted");
        };
        LiveSensor s = new LiveSensor(ConfigLoader.load(cfgFile), cfgFile, "test", failing, SinkFactory.none(),
                SystemdNotifier.disabled());
        assertThatThrownBy(s::start).isInstanceOf(SensorException.class)
                .hasMessageStartingWith("cannot open interface 'eth7': socket: Operation not permitted (capturing needs CAP_NET_RAW");
    }

    @Test
    void workersGetTheirShareOfTheFlowLimits() {
        var s = ConfigLoader.parse("flow:\n  max_flows: 1001\n  max_buffered_bytes_total: 1MiB\n"
                + "  max_buffered_bytes_per_direction: 512KiB\n").flowSettings();
        var share = SensorAssembly.shardFlowSettings(s, 4);
        assertThat(share.maxFlows()).isEqualTo(251);
        assertThat(share.maxBufferedBytesTotal()).isEqualTo(256 * 1024);
        assertThat(share.maxBufferedBytesPerDirection()).isEqualTo(256 * 1024);
        assertThat(share.idleTimeoutMicros()).isEqualTo(s.idleTimeoutMicros());
        assertThat(SensorAssembly.shardFlowSettings(s, 1)).isSameAs(s);
        assertThat(LiveRuntime.arenaBytes(65536, 65535)).isEqualTo(64 << 20);
        assertThat(LiveRuntime.arenaBytes(2, 262144)).isEqualTo(1 << 20);
    }

    @Test
    void autoFiltersAreVlanAwareOnEthernet() {
        String tunnels = "udp dst port 4789 or udp dst port 6081 or proto 47 or proto 4 or proto 41";
        String linkTunnels = "ether proto 0x8847 or ether proto 0x8848 or ether proto 0x8864";
        String level = "((tcp port 25 or tcp port 587) or " + tunnels + " or " + linkTunnels + ")";
        assertThat(CaptureOpener.autoFilter(LinkType.ETHERNET, List.of(25, 587), false))
                .isEqualTo(level + " or (vlan and (" + level + " or (vlan and " + level + ")))");
        assertThat(CaptureOpener.autoFilter(LinkType.LINUX_SLL, List.of(25), false)).isEqualTo("tcp port 25 or " + tunnels);
        String any = "(tcp or " + tunnels + " or " + linkTunnels + ")";
        assertThat(CaptureOpener.autoFilter(LinkType.ETHERNET, List.of(25), true))
                .isEqualTo(any + " or (vlan and (" + any + " or (vlan and " + any + ")))");
        assertThat(CaptureOpener.autoFilter(LinkType.LINUX_SLL, List.of(25), true)).isEqualTo("tcp or " + tunnels);
    }

    @Test
    void sighupReachesTheHandler() throws Exception {
        java.util.concurrent.CountDownLatch hup = new java.util.concurrent.CountDownLatch(1);
        assertThat(SensorSignals.handle("HUP", hup::countDown)).isTrue();
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(ProcessHandle.current().pid())).start();
        assertThat(kill.waitFor()).isZero();
        assertThat(hup.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(SensorSignals.handle("NOSUCHSIGNAL", () -> {})).isFalse();
    }
}
