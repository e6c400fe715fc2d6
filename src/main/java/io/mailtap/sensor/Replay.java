package io.mailtap.sensor;

import io.mailtap.flow.FlowSettings;
import io.mailtap.log.AnomalyLogWriter;
import io.mailtap.log.TransactionLogWriter;
import io.mailtap.smtp.SmtpEvent;
import io.mailtap.smtp.SmtpEventListener;
import io.mailtap.smtp.SmtpSettings;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The offline sensor: capture files, read in the order given as one timeline, through the same
 * decode → flow → smtp → consumers chain the live sensor runs, into the transaction log.
 */
public final class Replay {
    public static final String TRANSACTION_LOG = "smtp.jsonl";
    /** Zeek's weird.log: one line per reported anomaly, next to the transaction log. */
    public static final String ANOMALY_LOG = "anomalies.jsonl";

    /** What a replay did, for the summary and the exit code. */
    public record Report(List<FileReplayer.Result> files, long packets, long nanos, PacketPipeline pipeline,
                         ReplaySummary summary, Path transactionLog, long transactionLines) {
        public boolean anyFileFailed() {
            return files.stream().anyMatch(r -> r.error() != null);
        }
    }

    private final FlowSettings flowSettings;
    private final SmtpSettings smtpSettings;
    private final List<SmtpEventListener> consumers;
    private final int summaryLines;

    /**
     * @param consumers further event consumers (detection) run after the transaction log
     * @param summaryLines transactions kept for the printed summary
     */
    public Replay(FlowSettings flowSettings, SmtpSettings smtpSettings, List<SmtpEventListener> consumers, int summaryLines) {
        this.flowSettings = flowSettings;
        this.smtpSettings = smtpSettings;
        this.consumers = List.copyOf(consumers);
        this.summaryLines = summaryLines;
    }

    /**
     * Replays {@code files} and writes {@code outDir/smtp.jsonl} and {@code outDir/anomalies.jsonl}. A file that cannot be read is
     * reported in the result and the replay goes on with the next, so one damaged file costs only
     * its own packets.
     */
    public Report run(List<Path> files, String bpfFilter, Path outDir) throws IOException {
        Files.createDirectories(outDir);
        Path logPath = outDir.resolve(TRANSACTION_LOG);
        ReplaySummary summary = new ReplaySummary(summaryLines);
        try (TransactionLogWriter log = new TransactionLogWriter(new BufferedWriter(
                new OutputStreamWriter(Files.newOutputStream(logPath), StandardCharsets.UTF_8), 1 << 16), false);
             AnomalyLogWriter anomalies = new AnomalyLogWriter(new BufferedWriter(new OutputStreamWriter(
                     Files.newOutputStream(outDir.resolve(ANOMALY_LOG)), StandardCharsets.UTF_8), 1 << 16), false)) {
            List<SmtpEventListener> all = new ArrayList<>();
            all.add(e -> {
                if (e instanceof SmtpEvent.Transaction t) log.write(t.conn(), t.record());
                else if (e instanceof SmtpEvent.Anomaly a) anomalies.write(a);
            });
            all.addAll(consumers);
            all.add(summary);
            long start = System.nanoTime();
            List<FileReplayer.Result> results = new ArrayList<>();
            long packets = 0;
            PacketPipeline pipeline;
            // decode → flow → smtp on this thread, logs and detection on the pipe's: both cores
            try (EventPipe pipe = new EventPipe(new EventFanout(all))) {
                pipeline = new PacketPipeline(flowSettings, smtpSettings, pipe);
                for (Path f : files) {
                    FileReplayer.Result r = FileReplayer.replay(f, bpfFilter, pipeline);
                    results.add(r);
                    packets += r.packets();
                }
                pipeline.finish();
            }
            long nanos = System.nanoTime() - start;
            return new Report(results, packets, nanos, pipeline, summary, logPath, log.lines());
        }
    }
}
