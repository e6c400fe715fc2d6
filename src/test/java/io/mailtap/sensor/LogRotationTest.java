package io.mailtap.sensor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mailtap.capture.OfflineSource;
import io.mailtap.capture.PacketSource;
import io.mailtap.capture.RawFrame;
import io.mailtap.config.ConfigLoader;
import io.mailtap.config.MailtapConfig;
import io.mailtap.decode.LinkType;
import io.mailtap.txlog.Output;
import io.mailtap.txlog.OutputStats;
import io.mailtap.testutil.TcpConversation;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Log rotation with the real logrotate and the shipped {@code config/logrotate/mailtap}: its
 * directives as shipped, only the paths, the {@code su} user and the postrotate command (SIGUSR1 to
 * this JVM, whose handler is the sensor's own, {@link SensorSignals#handleReopen}) adapted to the
 * test. The records written before the rotation are all in the renamed files, those after it in the
 * new ones: none lost, none in both, every line a whole JSON object — for smtp.jsonl, alerts.jsonl
 * and anomalies.jsonl.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LogRotationTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BEFORE = 6, AFTER = 5;

    @TempDir
    Path dir;

    @Test
    void logrotateRenamesAndTheSensorReopensAtARecordBoundary() throws Exception {
        Path logrotate = Path.of("/usr/sbin/logrotate");
        if (!Files.isExecutable(logrotate)) {
            if ("true".equals(System.getenv("CI"))) fail("logrotate is not installed (apt-get install logrotate; .ci/run does)");
            Assumptions.abort("logrotate is not installed (apt-get install logrotate): skipping the rotation test");
        }
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")) || "true".equals(System.getenv("CI")),
                "logrotate -f with su needs root");
        Path out = dir.resolve("out");
        Path cfgFile = Files.writeString(dir.resolve("mailtap.yml"), "output:\n  dir: " + out + "\n"
                + "metrics:\n  listen: null\ncapture:\n  workers: 2\n  heartbeat: 100ms\n");
        MailtapConfig cfg = ConfigLoader.load(cfgFile);
        ScriptedSource src = new ScriptedSource(LinkType.ETHERNET, false, List.of());
        LiveSensor s = new LiveSensor(cfg, cfgFile, "test", () -> new CaptureOpener.Opened(src, "scripted"), SinkFactory.none(),
                SystemdNotifier.disabled());
        try {
            s.start();
            assertThat(SensorSignals.handleReopen(s)).as("SIGUSR1 handler installed").isTrue();

            feed(src, 0, BEFORE);
            awaitWritten(s, BEFORE);

            Path conf = dir.resolve("logrotate.conf");
            String shipped = Files.readString(Path.of("config/logrotate/mailtap"));
            assertThat(shipped).contains("postrotate", "systemctl kill --signal=USR1", "mailtap.service");
            assertThat(shipped.lines().map(String::strip).filter(l -> !l.startsWith("#")))
                    .as("renamed, never copied").doesNotContain("copytruncate");
            long pid = ProcessHandle.current().pid();
            String adapted = shipped.replace("/var/log/mailtap", out.toString())
                    .replace("su mailtap mailtap", "su root root")
                    .replaceAll("systemctl kill --signal=USR1 [^\\n]*", "kill -USR1 " + pid);
            assertThat(adapted).contains("kill -USR1 " + pid).doesNotContain("systemctl");
            Files.writeString(conf, adapted);
            Process p = new ProcessBuilder(logrotate.toString(), "-v", "-s", dir.resolve("logrotate.state").toString(), "-f",
                    conf.toString()).redirectErrorStream(true).start();
            String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor()).as(said).isZero();
            for (Output o : Output.values()) assertThat(out.resolve(o.fileName() + ".1")).as(said).exists();
            await(() -> reopened(s), "the sensor reopened all three files");
            for (Output o : Output.values()) assertThat(out.resolve(o.fileName())).as("recreated before any new record").exists();

            feed(src, BEFORE, AFTER);
            awaitWritten(s, BEFORE + AFTER);
        } finally {
            s.stop();
        }

        for (Output o : Output.values()) {
            assertThat(s.outputs().of(o).reopens.get()).as(o + " reopens").isEqualTo(1);
            assertThat(s.outputs().of(o).reopenErrors.get()).isZero();
            assertThat(s.outputs().of(o).lost.get()).isZero();
        }
        assertThat(s.metrics().scrape()).contains("mailtap_output_reopens_total{output=\"smtp\",result=\"success\"");
        // each connection i is client 10.0.0.(10+i): its transaction, its anomalies and its alerts name it
        assertSplit(s, Output.SMTP, out, "client_ip");
        assertSplit(s, Output.ANOMALIES, out, "client_ip");
        assertSplit(s, Output.ALERTS, out, "src_ip");
    }

    /**
     * The renamed file names exactly the clients fed before the rotation, the new one exactly those
     * after; together they hold every record the sensor counted as written, and no line is in both.
     */
    private static void assertSplit(LiveSensor s, Output o, Path out, String field) throws IOException {
        List<String> rotated = wholeLines(out.resolve(o.fileName() + ".1"));
        List<String> current = wholeLines(out.resolve(o.fileName()));
        assertThat(clients(rotated, field)).as(o + " before the rotation").isEqualTo(expected(0, BEFORE));
        assertThat(clients(current, field)).as(o + " after the rotation").isEqualTo(expected(BEFORE, AFTER));
        assertThat((long) rotated.size() + current.size()).as(o + ": none lost").isEqualTo(s.outputs().of(o).written.get());
        assertThat(rotated).as(o + ": none in both files").doesNotContainAnyElementsOf(current);
    }

    /** The file's lines, each checked to be one whole JSON object, the last one ended. */
    private static List<String> wholeLines(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        assertThat(bytes.length).as(file + " is not empty").isPositive();
        assertThat(bytes[bytes.length - 1]).as(file + " ends with a whole line").isEqualTo((byte) '\n');
        List<String> lines = Files.readAllLines(file);
        for (String line : lines) assertThat(JSON.readTree(line).isObject()).as(line).isTrue();
        return lines;
    }

    private static Set<String> clients(List<String> lines, String field) throws IOException {
        Set<String> seen = new TreeSet<>();
        for (String line : lines) seen.add(JSON.readTree(line).get(field).asText());
        return seen;
    }

    private static Set<String> expected(int first, int n) {
        Set<String> expected = new TreeSet<>();
        for (int i = first; i < first + n; i++) expected.add(client(i));
        return expected;
    }

    private static String client(int i) { return "10.0.0." + (10 + i); }

    /**
     * Connections first..first+n-1: each an internal client greeting an outside server as
     * "localhost" (a bad_helo alert per client), with one reply nobody asked for (an
     * unpaired_reply anomaly), and one transaction line.
     */
    private void feed(ScriptedSource src, int first, int n) throws Exception {
        for (int i = first; i < first + n; i++) {
            Path pcap = new TcpConversation(TcpConversation.ethernetPcap(), client(i), 40000 + i, "203.0.113.9", 25,
                    1_700_000_000_000_000L + i * 1_000_000L)
                    .handshake()
                    .server("220 mx.example ESMTP\r\n")
                    .client("EHLO localhost\r\n").server("250 mx\r\n").server("250 unasked\r\n")
                    .client("QUIT\r\n").server("221 bye\r\n")
                    .close()
                    .write(dir.resolve("c" + i + ".pcap"));
            try (PacketSource f = OfflineSource.open(pcap, null)) {
                RawFrame frame = new RawFrame();
                while (f.read(frame) == PacketSource.PACKET) {
                    src.add(java.util.Arrays.copyOf(frame.data, frame.capturedLength), frame.tsMicros);
                }
            }
        }
    }

    private static void awaitWritten(LiveSensor s, long n) throws InterruptedException {
        await(() -> {
            for (Output o : Output.values()) if (s.outputs().of(o).written.get() < n) return false;
            return true;
        }, n + " records in every output");
    }

    private static boolean reopened(LiveSensor s) {
        for (Output o : Output.values()) {
            OutputStats st = s.outputs().of(o);
            if (st.reopens.get() < 1) return false;
        }
        return true;
    }

    private static void await(BooleanSupplier done, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) fail("timed out waiting for: " + what);
            Thread.sleep(20);
        }
    }
}
