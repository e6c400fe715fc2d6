package io.mailtap.sensor;

import io.mailtap.capture.CaptureException;
import io.mailtap.capture.OfflineSource;
import io.mailtap.capture.PacketSource;
import io.mailtap.flow.FlowSettings;
import io.mailtap.log.Output;
import io.mailtap.log.OutputStats;
import io.mailtap.log.RecordFile;
import io.mailtap.log.AnomalyLogWriter;
import io.mailtap.log.TransactionLogWriter;
import io.mailtap.smtp.SmtpEvent;
import io.mailtap.smtp.SmtpEventListener;
import io.mailtap.smtp.SmtpSettings;

import java.io.IOException;
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
    /**
     * @param limitsReached with {@code --threads} above 1: the flow limits one table might have reached,
     *                      where the output may differ from a one-pipeline replay ({@link ParallelReplay})
     */
    public record Report(List<FileReplayer.Result> files, long packets, long nanos, PacketPipeline pipeline,
                         ReplaySummary summary, Path transactionLog, long transactionLines, List<String> limitsReached) {
        public boolean anyFileFailed() {
            return files.stream().anyMatch(r -> r.error() != null);
        }
    }

    private final FlowSettings flowSettings;
    private final SmtpSettings smtpSettings;
    private final List<SmtpEventListener> consumers;
    private final int summaryLines;
    private final String sensor;
    private ReplayProgress progress = ReplayProgress.NONE;
    private int threads = 1;

    /**
     * @param consumers further event consumers (detection) run after the transaction log
     * @param summaryLines transactions kept for the printed summary
     * @param sensor {@code sensor.name}, written on every smtp.jsonl and anomalies.jsonl line
     */
    public Replay(FlowSettings flowSettings, SmtpSettings smtpSettings, String sensor, List<SmtpEventListener> consumers,
                  int summaryLines) {
        this.sensor = java.util.Objects.requireNonNull(sensor, "sensor");
        this.flowSettings = flowSettings;
        this.smtpSettings = smtpSettings;
        this.consumers = List.copyOf(consumers);
        this.summaryLines = summaryLines;
    }

    /**
     * Replays {@code files} and writes {@code outDir/smtp.jsonl} and {@code outDir/anomalies.jsonl}
     * (each through a staged file renamed onto it at the end, so a replay that throws leaves the
     * previous logs whole). A file that cannot be read is
     * reported in the result and the replay goes on with the next, so one damaged file costs only
     * its own packets.
     */
    public Report run(List<Path> files, String bpfFilter, Path outDir) throws IOException {
        Files.createDirectories(outDir);
        Path logPath = outDir.resolve(TRANSACTION_LOG);
        StagedFile staged = StagedFile.beside(logPath);
        StagedFile stagedAnomalies = StagedFile.beside(outDir.resolve(ANOMALY_LOG));
        try {
            Report report = run(files, bpfFilter, staged.temp(), logPath, stagedAnomalies.temp());
            staged.commit();
            stagedAnomalies.commit();
            return report;
        } finally {
            staged.discard(); // after commit there is nothing left to delete
            stagedAnomalies.discard();
        }
    }

    /** Where to report how far the replay has read (default: nowhere). */
    public Replay progress(ReplayProgress p) {
        this.progress = p == null ? ReplayProgress.NONE : p;
        return this;
    }

    /** Packet pipelines (flow shards) to run; above 1 a {@link ParallelReplay} with the same output. */
    public Replay threads(int n) {
        this.threads = n;
        return this;
    }

    /**
     * Checks every input before any output is touched: each file opens as a capture and the BPF
     * filter compiles for its link type.
     *
     * @return null, or the first problem (the file and libpcap's reason)
     */
    public static String checkInputs(List<Path> files, String bpfFilter) {
        for (Path f : files) {
            try (PacketSource s = OfflineSource.open(f, bpfFilter)) {
                // opened and filtered: readable
            } catch (CaptureException e) {
                return e.getMessage();
            }
        }
        return null;
    }

    private Report run(List<Path> files, String bpfFilter, Path writeTo, Path logPath, Path anomaliesTo) throws IOException {
        ReplaySummary summary = new ReplaySummary(summaryLines);
        try (TransactionLogWriter log = new TransactionLogWriter(
                RecordFile.open(Output.SMTP, writeTo, false, new OutputStats()), sensor);
             AnomalyLogWriter anomalies = new AnomalyLogWriter(
                     RecordFile.open(Output.ANOMALIES, anomaliesTo, false, new OutputStats()), sensor)) {
            List<SmtpEventListener> all = new ArrayList<>();
            all.add(e -> {
                if (e instanceof SmtpEvent.Transaction t) log.write(t.conn(), t.record());
                else if (e instanceof SmtpEvent.Anomaly a) anomalies.write(a);
            });
            all.addAll(consumers);
            all.add(summary);
            long start = System.nanoTime();
            if (threads > 1) {
                ParallelReplay.Result p = new ParallelReplay(flowSettings, smtpSettings, threads)
                        .run(files, bpfFilter, new EventFanout(all), progress);
                return new Report(p.files(), p.packets(), System.nanoTime() - start, p.totals(), summary, logPath,
                        log.lines(), p.limitsReached());
            }
            List<FileReplayer.Result> results = new ArrayList<>();
            long packets = 0;
            PacketPipeline pipeline;
            // decode → flow → smtp on this thread, logs and detection on the pipe's: both cores
            try (EventPipe pipe = new EventPipe(new EventFanout(all))) {
                pipeline = new PacketPipeline(flowSettings, smtpSettings, pipe);
                long totalBytes = 0;
                for (Path f : files) totalBytes += Files.size(f);
                long total = totalBytes;
                long[] before = new long[2]; // packets and bytes of the files already read
                for (Path f : files) {
                    FileReplayer.Result r = FileReplayer.replay(f, bpfFilter, pipeline,
                            (n, b) -> progress.update(before[0] + n, before[1] + b, total), pipe::failed);
                    pipe.check(); // an output failed (disk full): stop with its reason, not read on
                    results.add(r);
                    packets += r.packets();
                    before[0] = packets;
                    before[1] += Files.size(f);
                }
                progress.done();
                pipeline.finish();
            }
            long nanos = System.nanoTime() - start;
            return new Report(results, packets, nanos, pipeline, summary, logPath, log.lines(), List.of());
        }
    }
}
