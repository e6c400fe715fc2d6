package io.mailtap.sensor;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.mailtap.capture.OfflineSource;
import io.mailtap.config.ConfigLoader;
import io.mailtap.config.MailtapConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 8 item 11 in the live sensor: a one-way capture is counted in the metrics and said in the
 * log, once (rate-limited), not once per connection.
 */
class OneWayLiveTest {
    @TempDir
    Path dir;

    @Test
    void aClientOnlyMirrorIsCountedAndLoggedOnce() throws Exception {
        Path cut = dir.resolve("c2s.pcap");
        Process p;
        try {
            p = new ProcessBuilder("tcpdump", "-r", "samples/incident-2-null-sender.pcap", "-w", cut.toString(),
                    "tcp dst port 25 or tcp dst port 587").redirectErrorStream(true).start();
        } catch (IOException e) {
            assumeTrue(false, "tcpdump is not installed: " + e.getMessage());
            return;
        }
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(said).isZero();

        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path cfgFile = dir.resolve("mailtap.yml");
        Files.writeString(cfgFile, "output:\n  dir: " + dir.resolve("out") + "\n"
                + "metrics:\n  listen: \"127.0.0.1:" + port + "\"\n"
                + Files.readString(Path.of("samples/lab.yml")) + "capture:\n  workers: 2\n  heartbeat: 100ms\n");
        MailtapConfig cfg = ConfigLoader.load(cfgFile);

        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        root.addAppender(logged);
        LiveSensor s = new LiveSensor(cfg, cfgFile, "test", () -> new CaptureOpener.Opened(OfflineSource.open(cut, null), null),
                SinkFactory.none(), SystemdNotifier.disabled());
        try {
            s.start();
            assertThat(s.awaitTermination(Duration.ofSeconds(20))).as("file ended, pipeline drained").isTrue();
            assertThat(s.stop()).isTrue();
            Scrape m = Scrape.parse(s.metrics().scrape());
            assertThat(m.value("mailtap_smtp_one_way_total", "seen", "client_only")).isEqualTo(45);
            assertThat(m.value("mailtap_smtp_one_way_total", "seen", "server_only")).isZero();
            assertThat(m.value("mailtap_smtp_auth_inferred_total")).isEqualTo(33);
        } finally {
            s.stop();
            root.detachAppender(logged);
        }
        List<String> lines;
        synchronized (logged) {
            lines = logged.list.stream().map(ILoggingEvent::getFormattedMessage).filter(l -> l.startsWith("one-way capture")).toList();
        }
        assertThat(lines).as("45 one-way connections, one line a minute at most").hasSize(1);
        assertThat(lines.get(0)).contains("client->server bytes only").contains("check the mirror");
    }
}
