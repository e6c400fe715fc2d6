package io.mailtap.sensor;

import io.mailtap.capture.OfflineSource;
import io.mailtap.config.ConfigLoader;
import io.mailtap.config.MailtapConfig;
import io.mailtap.testutil.TcpConversation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The live sensor writes output.dir/anomalies.jsonl, line for line what a replay of the same packets writes. */
class LiveAnomalyLogTest {
    @TempDir
    Path dir;

    private static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void liveWritesTheAnomalyLogAReplayWrites() throws Exception {
        Path pcap = new TcpConversation(TcpConversation.ethernetPcap(), "10.0.0.5", 40000, "203.0.113.9", 25, 1_700_000_000_000_000L)
                .handshake()
                .server("220 mx.example ESMTP\r\n")
                .client("EHLO a\r\n").server("250 mx\r\n").server("250 unasked\r\n")
                .client("BDAT nope\r\n").server("501 bad\r\n")
                .client("QUIT\r\n").server("221 bye\r\n")
                .close()
                .write(dir.resolve("a.pcap"));
        Path cfgFile = Files.writeString(dir.resolve("mailtap.yml"), "output:\n  dir: " + dir.resolve("out") + "\n"
                + "metrics:\n  listen: \"127.0.0.1:" + freePort() + "\"\n"
                + "capture:\n  workers: 2\n  heartbeat: 100ms\n");
        MailtapConfig cfg = ConfigLoader.load(cfgFile);
        LiveSensor s = new LiveSensor(cfg, cfgFile, "test",
                () -> new CaptureOpener.Opened(OfflineSource.open(pcap, null), null), SinkFactory.none(), SystemdNotifier.disabled());
        try {
            s.start();
            assertThat(s.awaitTermination(Duration.ofSeconds(20))).isTrue();
        } finally {
            s.stop();
        }

        Path offline = dir.resolve("offline");
        new Replay(cfg.flowSettings(), cfg.smtpSettings(), cfg.sensor().name(), List.of(), 0).run(List.of(pcap), null, offline);
        List<String> replayed = Files.readAllLines(offline.resolve(Replay.ANOMALY_LOG));
        assertThat(replayed).hasSize(2);
        assertThat(replayed.get(0)).contains("\"kind\":\"unpaired_reply\"");
        assertThat(replayed.get(1)).contains("\"kind\":\"bdat_bad_size\"", "\"detail\":\"BDAT nope\"");
        assertThat(Files.readAllLines(dir.resolve("out").resolve(Replay.ANOMALY_LOG))).isEqualTo(replayed);
    }
}
