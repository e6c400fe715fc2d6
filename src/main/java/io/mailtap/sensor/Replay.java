package io.mailtap.sensor;

import io.mailtap.capture.CaptureException;
import io.mailtap.capture.OfflineSource;
import io.mailtap.capture.PacketSource;
import io.mailtap.flow.FlowSettings;
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

    /** Events the replay's channel holds (what EventPipe held: 64 batches of 256). */
    static final int EVENT_CAPACITY = 16_384;

    private final SensorAssembly assembly;
    private final List<SmtpEventListener> consumers;
    private final int summaryLines;
    private ReplayProgress progress = ReplayProgress.NONE;
    private int threads = 1;

    /**
     * @param consumers further event consumers (detection) run after the transaction log
     * @param summaryLines transactions kept for the printed summary
     * @param sensor {@code sensor.name}, written on every smtp.jsonl and anomalies.jsonl line
     */
    public Replay(FlowSettings flowSettings, SmtpSettings smtpSettings, String sensor, List<SmtpEventListener> consumers,
                  int summaryLines) {
        this(new SensorAssembly(flowSettings, smtpSettings, sensor), consumers, summaryLines);
    }

    /** A replay of {@code assembly}: the live sensor's chain, run by one reader thread and the event agent. */
    public Replay(SensorAssembly assembly, List<SmtpEventListener> consumers, int summaryLines) {
        this.assembly = java.util.Objects.requireNonNull(assembly, "assembly");
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
        OutputFiles outputs = OutputFiles.replay();
        try {
            ReplaySummary summary = new ReplaySummary(summaryLines);
            List<SmtpEventListener> then = new ArrayList<>(consumers);
            then.add(summary);
            Report report;
            try (EventConsumers chain = assembly.consumers(outputs, outDir, null, then)) {
                report = run(files, bpfFilter, chain, summary, outDir.resolve(TRANSACTION_LOG));
            }
            outputs.commit();
            return report;
        } finally {
            outputs.discard(); // after commit there is nothing left to delete
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

    private Report run(List<Path> files, String bpfFilter, EventConsumers chain, ReplaySummary summary, Path logPath)
            throws IOException {
        long start = System.nanoTime();
        if (threads > 1) {
            // N flow shards, events merged back into the order one pipeline gives (ParallelReplay)
            ParallelReplay.Result p = new ParallelReplay(assembly.flowSettings(), assembly.smtpSettings(), threads)
                    .run(files, bpfFilter, chain, progress);
            return new Report(p.files(), p.packets(), System.nanoTime() - start, p.totals(), summary, logPath,
                    chain.transactionLines(), p.limitsReached());
        }
        List<FileReplayer.Result> results = new ArrayList<>();
        long packets = 0;
        // decode → flow → smtp on this thread, logs and detection on the event agent's: both cores
        EventChannel channel = new EventChannel(EVENT_CAPACITY);
        EventChannel.Producer events = channel.producer();
        AgentRunner runner = new AgentRunner(false); // a consumer's failure ends the replay with its reason (check())
        AgentRunner.Running consumer = runner.start(new EventAgent(channel, chain, EventAgent.Between.NONE,
                java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(100)), IdleStrategy.NONE);
        PacketPipeline pipeline = assembly.pipelines(1).create(events);
        try {
            long totalBytes = 0;
            for (Path f : files) totalBytes += Files.size(f);
            long total = totalBytes;
            long[] before = new long[2]; // packets and bytes of the files already read
            for (Path f : files) {
                FileReplayer.Result r = FileReplayer.replay(f, bpfFilter, pipeline,
                        (n, b) -> progress.update(before[0] + n, before[1] + b, total), channel::failed);
                channel.check(); // an output failed (disk full): stop with its reason, not read on
                results.add(r);
                packets += r.packets();
                before[0] = packets;
                before[1] += Files.size(f);
            }
            progress.done();
            pipeline.finish();
        } finally {
            events.close(); // delivers what is batched; the event agent ends once it has consumed it
            while (!consumer.join(java.time.Duration.ofSeconds(1))) {
                // a replay can wait: the consumer is writing the last batches
            }
        }
        channel.check();
        long nanos = System.nanoTime() - start;
        return new Report(results, packets, nanos, pipeline, summary, logPath, chain.transactionLines(), List.of());
    }
}
