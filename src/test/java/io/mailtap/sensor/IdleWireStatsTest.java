package io.mailtap.sensor;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailtap.config.ConfigLoader;
import io.mailtap.config.MailtapConfig;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9 item 15: on an idle wire pcap_next_ex does not return, and pcap_stats may only be called
 * from the capture thread, so libpcap's counters froze at the last busy moment. A short exchange
 * (fewer packets than the capture loop's every-64-packets poll) and then silence: the received
 * counter must still catch up while the sensor runs. Needs capture rights on lo; skipped without.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IdleWireStatsTest {
    @TempDir Path dir;

    @Test
    void captureCountersCatchUpWhileTheWireIsIdle() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            int port = server.getLocalPort();
            Path cfgFile = dir.resolve("mailtap.yml");
            Files.writeString(cfgFile, String.join("\n",
                    "capture:", "  interface: lo", "  workers: 1", "  ring_size: 1024", "  buffer_size: 4MiB",
                    "  timeout_ms: 10", "  heartbeat: 200ms",
                    "smtp:", "  ports: [25, " + port + "]",
                    "output:", "  dir: " + dir.resolve("out"), ""));
            MailtapConfig cfg = ConfigLoader.load(cfgFile);
            LiveSensor sensor = new LiveSensor(cfg, cfgFile, "test");
            try {
                sensor.start();
            } catch (SensorException e) {
                String m = e.getMessage().toLowerCase(Locale.ROOT);
                Assumptions.assumeFalse(m.contains("cap_net_raw") || m.contains("permission"),
                        "no capture rights here: " + e.getMessage());
                throw e;
            }
            try {
                exchange(server, port);
                Scrape s = null;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (System.nanoTime() < deadline) {
                    s = Scrape.parse(sensor.metrics().scrape());
                    double packets = s.value("mailtap_packets_total");
                    if (packets >= 6 && s.value("mailtap_capture_packets_received_total") >= packets) break;
                    Thread.sleep(100);
                }
                assertThat(s.value("mailtap_packets_total")).as("the exchange reached the pipeline").isGreaterThanOrEqualTo(6);
                assertThat(s.value("mailtap_capture_packets_received_total"))
                        .as("libpcap's received count, polled while the wire is idle")
                        .isGreaterThanOrEqualTo(s.value("mailtap_packets_total"));
            } finally {
                assertThat(sensor.stop()).as("stopped cleanly").isTrue();
            }
            assertThat(sensor.failure()).isNull();
        }
    }

    /** A connection, one line each way, closed: a dozen packets, then nothing. */
    private static void exchange(ServerSocket server, int port) throws Exception {
        try (Socket c = new Socket(InetAddress.getLoopbackAddress(), port); Socket a = server.accept()) {
            OutputStream out = a.getOutputStream();
            out.write("220 idle ESMTP\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = c.getInputStream();
            byte[] buf = new byte[64];
            int n = in.read(buf);
            assertThat(n).isPositive();
            c.getOutputStream().write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
            c.getOutputStream().flush();
            assertThat(a.getInputStream().read(buf)).isPositive();
        }
    }
}
