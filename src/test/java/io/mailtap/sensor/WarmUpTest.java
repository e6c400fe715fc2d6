package io.mailtap.sensor;

import io.mailtap.capture.OfflineSource;
import io.mailtap.config.ConfigLoader;
import io.mailtap.config.MailtapConfig;
import io.mailtap.smtp.SmtpCounter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class WarmUpTest {
    @TempDir
    Path dir;

    /** The synthetic sessions are real SMTP to the pipeline: each one ends as a transaction, so the hot path ran whole. */
    @Test
    void everySyntheticSessionRunsTheWholeChainToATransaction() {
        MailtapConfig cfg = ConfigLoader.parse("");
        WarmUp.Done d = new WarmUp(300, Duration.ofMinutes(5)).run(SensorAssembly.of(cfg), cfg);
        assertThat(d.sessions()).isEqualTo(300);
        assertThat(d.transactions()).isEqualTo(300);
    }

    @Test
    void itIsBoundedInTime() {
        MailtapConfig cfg = ConfigLoader.parse("");
        assertThat(new WarmUp(Integer.MAX_VALUE, Duration.ZERO).run(SensorAssembly.of(cfg), cfg).sessions()).isZero();
        assertThat(WarmUp.NONE.run(SensorAssembly.of(cfg), cfg).sessions()).isZero();
    }

    /**
     * The live sensor warms up before it opens the capture and before READY=1, and nothing of the
     * warm-up reaches its outputs or metrics.
     */
    @Test
    void theLiveSensorWarmsUpBeforeItCapturesAndReportsReady() throws Exception {
        Path pcap = Path.of("samples/quickstart.pcap");
        Path cfgFile = dir.resolve("mailtap.yml");
        Files.writeString(cfgFile, "output:\n  dir: " + dir.resolve("out") + "\nmetrics:\n  listen: null\n");
        MailtapConfig cfg = ConfigLoader.load(cfgFile);
        List<String> notified = new ArrayList<>();
        SystemdNotifier notifier = new SystemdNotifier(state -> {
            synchronized (notified) {
                notified.add(state);
            }
            return 0;
        }, 0);
        AtomicReference<LiveSensor> sensor = new AtomicReference<>();
        AtomicReference<WarmUp.Done> atOpen = new AtomicReference<>();
        LiveSensor s = new LiveSensor(cfg, cfgFile, "test", () -> {
            atOpen.set(sensor.get().warmedUp());
            synchronized (notified) {
                assertThat(notified).as("not ready before the capture opens").isEmpty();
            }
            return new CaptureOpener.Opened(OfflineSource.open(pcap, null), null);
        }, SinkFactory.none(), notifier, new WarmUp(200, Duration.ofMinutes(5)));
        sensor.set(s);
        s.start();
        assertThat(s.awaitTermination(Duration.ofSeconds(60))).isTrue();
        s.stop();
        assertThat(atOpen.get()).isNotNull();
        assertThat(atOpen.get().sessions()).isEqualTo(200);
        assertThat(notified).anySatisfy(n -> assertThat(n).startsWith("READY=1"));
        // only the capture file's transactions: the warm-up's 200 are nowhere
        long lines = Files.readAllLines(dir.resolve("out/smtp.jsonl")).size();
        assertThat(s.metrics().refresh().smtp.get(SmtpCounter.TRANSACTIONS)).isEqualTo(lines).isLessThan(200);
    }
}
