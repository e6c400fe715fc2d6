package io.mailtap.sensor;

import io.mailtap.config.MailtapConfig;
import io.mailtap.metrics.MailtapMetrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs {@code mailtap replay}'s assembly (Detection + Replay) with a number of pipelines and
 * returns what an operator reads: the three output files, byte for byte, the Prometheus text over
 * the replay's counters and the summary's tallies and printed transactions.
 */
public final class ParallelIdentity {
    private ParallelIdentity() {}

    /** The outputs of one replay. */
    public record Outputs(String smtp, String anomalies, String alerts, String metrics, String summary,
                          List<String> limitsReached) {}

    public static Outputs replay(MailtapConfig cfg, List<Path> files, int threads, Path out) throws IOException {
        Files.createDirectories(out);
        Replay.Report report;
        Path alertLog;
        try (Detection detection = Detection.build(cfg, out, false, List.of())) {
            report = new Replay(cfg.flowSettings(), cfg.smtpSettings(), cfg.sensor().name(), List.of(detection.engine()), 20)
                    .threads(threads)
                    .run(files, null, out);
            alertLog = detection.alertLog();
            detection.keepOutput();
        }
        // mailtap's own series: the JVM and process ones are not the replay's
        String metrics = new MailtapMetrics(new SensorMetrics(List.of(report.pipeline()), null), "probe").scrape()
                .lines().filter(l -> l.startsWith("mailtap_")).collect(java.util.stream.Collectors.joining("\n"));
        return new Outputs(read(out.resolve(Replay.TRANSACTION_LOG)), read(out.resolve(Replay.ANOMALY_LOG)),
                alertLog == null ? "" : read(alertLog), metrics, summary(report), report.limitsReached());
    }

    /**
     * Asserts that {@code threads} pipelines give the one-pipeline outputs and returns those (for
     * the caller to check they are not trivially empty).
     */
    public static Outputs assertSameAsSerial(MailtapConfig cfg, List<Path> files, Path tmp, int... threads) throws IOException {
        Outputs serial = replay(cfg, files, 1, tmp.resolve("t1"));
        for (int n : threads) {
            Outputs parallel = replay(cfg, files, n, tmp.resolve("t" + n));
            String what = (files.size() == 1 ? files.get(0).toString() : files.size() + " files") + " with " + n + " pipelines";
            assertThat(parallel.limitsReached()).as(what + ": limits").isEmpty();
            assertThat(parallel.smtp()).as(what + ": smtp.jsonl").isEqualTo(serial.smtp());
            assertThat(parallel.anomalies()).as(what + ": anomalies.jsonl").isEqualTo(serial.anomalies());
            assertThat(parallel.alerts()).as(what + ": alerts.jsonl").isEqualTo(serial.alerts());
            assertThat(parallel.summary()).as(what + ": summary").isEqualTo(serial.summary());
            assertThat(parallel.metrics()).as(what + ": metrics").isEqualTo(serial.metrics());
        }
        return serial;
    }

    private static String read(Path p) throws IOException {
        return Files.exists(p) ? Files.readString(p) : "";
    }

    private static String summary(Replay.Report r) {
        ReplaySummary s = r.summary();
        StringBuilder b = new StringBuilder();
        b.append(r.packets()).append(" packets, ").append(r.transactionLines()).append(" lines, ")
                .append(r.pipeline().internalErrors()).append(" internal errors, ")
                .append(r.pipeline().activeFlows()).append(" active; ")
                .append(List.of(s.connections(), s.attemptedOnly(), s.established(), s.transactions(), s.mailFrom(),
                        s.nullSender(), s.rcpt(), s.auth(), s.authFailed(), s.tls(), s.rejections(), s.anomalies(),
                        s.notShown(), s.clientOnly(), s.serverOnly(), s.authInferred()));
        for (ReplaySummary.Line line : s.lines()) b.append('\n').append(line.conn()).append(' ').append(line.record());
        for (FileReplayer.Result f : r.files()) b.append('\n').append(f);
        return b.toString();
    }
}
