package io.mailtap.sensor;

import io.mailtap.config.ConfigLoader;
import io.mailtap.config.MailtapConfig;
import io.mailtap.metrics.MailtapMetrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The replay assembly of {@code mailtap replay} (Detection + Replay into an output directory), plus
 * what the replay command does not print: the Prometheus text a live sensor would serve over the
 * same stage counters, written to {@code OUT/metrics.prom}. A {@code main} so that a test can run it
 * in a child JVM with a small {@code -Xmx}: running out of heap there is the memory bound failing.
 */
public final class ReplayProbe {
    public static final String METRICS_FILE = "metrics.prom";

    private ReplayProbe() {}

    /** {@code OUT PCAP [CONFIG]}; exit 0 when every file was read. */
    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        Path pcap = Path.of(args[1]);
        MailtapConfig cfg = args.length > 2 ? ConfigLoader.load(Path.of(args[2])) : ConfigLoader.defaults();
        System.exit(run(cfg, pcap, out) ? 0 : 1);
    }

    /** Replays {@code pcap} into {@code out} (smtp.jsonl, alerts.jsonl, metrics.prom). */
    public static boolean run(MailtapConfig cfg, Path pcap, Path out) throws IOException {
        Files.createDirectories(out);
        Replay.Report report;
        try (Detection detection = Detection.build(cfg, out, false, List.of())) {
            report = new Replay(cfg.flowSettings(), cfg.smtpSettings(), cfg.sensor().name(), List.of(detection.engine()), 0)
                    .run(List.of(pcap), null, out);
        }
        String text = new MailtapMetrics(new SensorMetrics(List.of(report.pipeline()), null), "probe").scrape();
        Files.writeString(out.resolve(METRICS_FILE), text);
        return !report.anyFileFailed();
    }
}
