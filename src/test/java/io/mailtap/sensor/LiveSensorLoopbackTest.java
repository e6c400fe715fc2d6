package io.mailtap.sensor;

import io.mailtap.config.ConfigLoader;
import io.mailtap.config.MailtapConfig;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real thing on the Linux loopback: libpcap on {@code lo}, the auto filter, the metrics
 * endpoint over HTTP, and a tiny SMTP conversation between two sockets of this test. Needs
 * capture rights (root or CAP_NET_RAW); skipped with a message without them. On lo each packet is
 * captured once (the two directions are distinct packets), so the sensor sees both sides.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LiveSensorLoopbackTest {
    @TempDir
    Path dir;

    @Test
    void logsANullSenderTransactionSeenOnLoopbackAndCountsItWhileRunning() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            int port = server.getLocalPort();
            Path cfgFile = dir.resolve("mailtap.yml");
            Files.writeString(cfgFile, String.join("\n",
                    "sensor:", "  name: loopback-test",
                    "capture:", "  interface: lo", "  workers: 2", "  ring_size: 1024", "  buffer_size: 4MiB",
                    "  timeout_ms: 10", "  heartbeat: 200ms",
                    "smtp:", "  ports: [25, " + port + "]",
                    "metrics:", "  listen: \"127.0.0.1:" + LiveSensorTest.freePort() + "\"",
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
                assertThat(sensor.linkType()).isEqualTo(1); // Linux presents lo as Ethernet
                assertThat(sensor.filter()).isEqualTo(io.mailtap.capture.BpfFilters.smtpFilter(25, port));

                Thread responder = new Thread(() -> respond(server), "smtp-responder");
                responder.start();
                List<String> replies = converse(port);
                responder.join(10_000);
                assertThat(replies).containsExactly("220 test ESMTP", "250 test", "250 2.1.0 ok", "250 2.1.5 ok",
                        "354 go ahead", "250 2.0.0 queued", "221 bye");

                // while running, over HTTP: the MAIL FROM:<> is counted
                HttpClient http = HttpClient.newHttpClient();
                Scrape live = null;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                while (System.nanoTime() < deadline) {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(sensor.metricsUrl())).build(),
                            HttpResponse.BodyHandlers.ofString());
                    assertThat(r.statusCode()).isEqualTo(200);
                    live = Scrape.parse(r.body());
                    if (live.value("mailtap_smtp_null_sender_total") >= 1) break;
                    Thread.sleep(100);
                }
                assertThat(live).isNotNull();
                assertThat(live.value("mailtap_smtp_null_sender_total")).isGreaterThanOrEqualTo(1);
                live.assertFollowsContract(false);
                assertThat(live.value("mailtap_packets_decoded_total")).isGreaterThanOrEqualTo(10);
                assertThat(live.value("mailtap_capture_packets_dropped_total", "where", "ring")).isZero();
                assertThat(live.value("mailtap_packet_time_seconds"))
                        .isCloseTo(System.currentTimeMillis() / 1000.0, org.assertj.core.data.Offset.offset(30.0));
                HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(
                        sensor.metricsUrl().replace("/metrics", "/-/healthy"))).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(health.statusCode()).isEqualTo(200);
            } finally {
                long t = System.nanoTime();
                assertThat(sensor.stop()).as("stopped cleanly").isTrue();
                assertThat(Duration.ofNanos(System.nanoTime() - t)).isLessThan(Duration.ofSeconds(10));
            }
            assertThat(sensor.failure()).isNull();
            List<String> log = Files.readAllLines(dir.resolve("out/smtp.jsonl"));
            assertThat(log).anySatisfy(line -> assertThat(line)
                    .contains("\"server_port\":" + port)
                    .contains("\"helo\":\"client.example\"")
                    .contains("\"mail_from\":\"<>\"")
                    .contains("\"null_sender\":true")
                    .contains("\"rcpt_to\":[\"<postmaster@example.net>\"]")
                    .contains("\"message_status\":\"accepted\"")
                    .contains("\"client_by\":\"syn\""));
            Scrape after = Scrape.parse(sensor.metrics().scrape());
            assertThat(after.value("mailtap_smtp_transactions_total")).isGreaterThanOrEqualTo(1);
            assertThat(after.value("mailtap_capture_packets_received_total"))
                    .as("libpcap's count (on lo both directions count)").isGreaterThanOrEqualTo(after.value("mailtap_packets_total"));
        }
    }

    private static List<String> converse(int port) throws IOException {
        try (Socket c = new Socket(InetAddress.getLoopbackAddress(), port)) {
            c.setSoTimeout(10_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = c.getOutputStream();
            List<String> replies = new java.util.ArrayList<>();
            replies.add(in.readLine());
            for (String cmd : List.of("EHLO client.example", "MAIL FROM:<>", "RCPT TO:<postmaster@example.net>", "DATA",
                    "Subject: bounce\r\n\r\nhello\r\n.", "QUIT")) {
                out.write((cmd + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                replies.add(in.readLine());
            }
            return replies;
        }
    }

    /** A minimal SMTP server for one connection. */
    private static void respond(ServerSocket server) {
        try (Socket s = server.accept()) {
            s.setSoTimeout(10_000);
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            OutputStream out = s.getOutputStream();
            out.write("220 test ESMTP\r\n".getBytes(StandardCharsets.US_ASCII));
            boolean data = false;
            String line;
            while ((line = in.readLine()) != null) {
                String reply;
                if (data) {
                    if (!line.equals(".")) continue;
                    data = false;
                    reply = "250 2.0.0 queued";
                } else {
                    String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase(Locale.ROOT) : line;
                    reply = switch (verb) {
                        case "EHLO", "HELO" -> "250 test";
                        case "MAIL" -> "250 2.1.0 ok";
                        case "RCPT" -> "250 2.1.5 ok";
                        case "DATA" -> "354 go ahead";
                        case "QUIT" -> "221 bye";
                        default -> "500 what";
                    };
                    data = verb.equals("DATA");
                }
                out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                if (reply.startsWith("221")) break;
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
