package io.mailtap.sensor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mailtap.capture.MirrorLab;
import io.mailtap.config.ConfigLoader;
import io.mailtap.metrics.SensorTotals;
import io.mailtap.smtp.SmtpCounter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * capture.threads on a real mirror port ({@link MirrorLab}): a sensor with two capture threads in
 * one PACKET_FANOUT group (two workers each) and a sensor with one capture thread run side by side
 * on the same interface, over the same SMTP sessions. Their smtp.jsonl hold the same lines, one per
 * session (order, ts and uid aside: the workers write as they finish, and each sensor's socket
 * stamps a packet on its own), both handles got a share, and the
 * per-handle capture counters add up to the totals.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class FanoutLiveSensorTest {
    private static final int SESSIONS = 60;

    @TempDir
    Path dir;

    @Test
    void twoCaptureThreadsWriteWhatOneWrites() throws Exception {
        try (MirrorLab lab = MirrorLab.start()) {
            LiveSensor one = sensor(lab.device(), "one", 1, 2);
            LiveSensor two = sensor(lab.device(), "two", 2, 4);
            try {
                one.start();
                two.start();
                assertThat(two.workers()).hasSize(4);
                lab.sendMail(SESSIONS);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (System.nanoTime() < deadline && (transactions(one) < SESSIONS || transactions(two) < SESSIONS
                        || !statsCaughtUp(two))) {
                    Thread.sleep(100);
                }
                assertThat(transactions(one)).as("transactions, one capture thread").isEqualTo(SESSIONS);
                assertThat(transactions(two)).as("transactions, two capture threads").isEqualTo(SESSIONS);
                SensorTotals t = two.metrics().refresh();
                SensorTotals ref = one.metrics().refresh();
                assertThat(t.handleReceived).hasSize(2);
                assertThat(t.handleReceived[0]).as("handle 0's share").isPositive();
                assertThat(t.handleReceived[1]).as("handle 1's share").isPositive();
                assertThat(t.captureReceived).isEqualTo(t.handleReceived[0] + t.handleReceived[1]);
                assertThat(t.captureDroppedKernel + t.captureDroppedRing).as("drops, two capture threads").isZero();
                assertThat(ref.captureDroppedKernel + ref.captureDroppedRing).as("drops, one capture thread").isZero();
                assertThat(t.decode.get(io.mailtap.decode.DecodeCounter.FRAMES))
                        .as("frames decoded with fanout = without").isEqualTo(ref.decode.get(io.mailtap.decode.DecodeCounter.FRAMES));
                Scrape s = Scrape.parse(two.metrics().scrape());
                assertThat(s.value("mailtap_capture_handle_packets_received_total", "handle", "0")
                        + s.value("mailtap_capture_handle_packets_received_total", "handle", "1"))
                        .isEqualTo(s.value("mailtap_capture_packets_received_total"));
                assertThat(s.value("mailtap_capture_handle_packets_dropped_total", "handle", "1", "where", "kernel")).isZero();
            } finally {
                assertThat(two.stop()).isTrue();
                assertThat(one.stop()).isTrue();
            }
            List<String> single = sorted(dir.resolve("one/smtp.jsonl"));
            List<String> fanout = sorted(dir.resolve("two/smtp.jsonl"));
            assertThat(single).hasSize(SESSIONS);
            assertThat(single).allMatch(l -> l.contains("\"message_status\":\"accepted\""));
            assertThat(fanout).as("smtp.jsonl with capture.threads 2 = with 1").isEqualTo(single);
        }
    }

    private LiveSensor sensor(String device, String name, int threads, int workers) throws Exception {
        Path cfg = dir.resolve(name + ".yml");
        Files.writeString(cfg, String.join("\n",
                "sensor:", "  name: fanout-test",
                "capture:", "  interface: " + device, "  threads: " + threads, "  workers: " + workers,
                "  ring_size: 4096", "  buffer_size: 8MiB", "  timeout_ms: 10", "  heartbeat: 200ms",
                // the mirror's two directions reach this namespace through per-CPU backlogs, so on a
                // loaded machine an ACK can overtake its data by more than the default 50 ms
                "flow:", "  ack_wait: 5s",
                "metrics:", "  listen: null",
                "output:", "  dir: " + dir.resolve(name), ""));
        return new LiveSensor(ConfigLoader.load(cfg), cfg, "test");
    }

    /**
     * pcap_stats is polled once a stats interval (the heartbeat), so a burst shorter than that is
     * decoded before the handles' counters show it: wait until they cover every decoded frame.
     */
    private static boolean statsCaughtUp(LiveSensor s) {
        SensorTotals t = s.metrics().refresh();
        return t.captureReceived >= t.decode.get(io.mailtap.decode.DecodeCounter.FRAMES);
    }

    private static long transactions(LiveSensor s) {
        return s.metrics().refresh().smtp.get(SmtpCounter.TRANSACTIONS);
    }

    /**
     * The lines without ts and uid, sorted: the two sensors' packet sockets each stamp a packet
     * when it reaches them, microseconds apart, and the uid hashes the timestamp.
     */
    private static List<String> sorted(Path file) throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            ObjectNode n = (ObjectNode) json.readTree(line);
            n.remove("ts");
            n.remove("uid");
            out.add(n.toString());
        }
        out.sort(null);
        return out;
    }
}
