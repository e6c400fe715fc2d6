package io.mailtap.sensor;

import io.mailtap.config.MailtapConfig;
import io.mailtap.flow.FlowSettings;
import io.mailtap.txlog.AnomalyLogWriter;
import io.mailtap.txlog.Output;
import io.mailtap.txlog.OutputHealth;
import io.mailtap.txlog.OutputStats;
import io.mailtap.txlog.TransactionLogWriter;
import io.mailtap.smtp.SmtpEventListener;
import io.mailtap.smtp.SmtpSettings;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The sensor's chain, assembled once from the configuration, the same for a replay and the live
 * sensor — which is what makes "a replay gives the live run's answer" hold by construction:
 * <ul>
 *   <li>the per-shard {@link PacketPipeline} (decode → flow → smtp) factory ({@link #pipelines});</li>
 *   <li>the outputs ({@link OutputFiles}: the one place deciding how smtp.jsonl, anomalies.jsonl
 *   and alerts.jsonl open) and the ordered event consumers ({@link #consumers}).</li>
 * </ul>
 * {@link Replay} and {@link LiveSensor} take an assembly and differ only in the runtime around it
 * (one reader thread, or capture and worker agents; see {@link AgentRunner}).
 */
public final class SensorAssembly {
    /** Builds one shard's pipeline, its SMTP events going to {@code events}. */
    @FunctionalInterface
    public interface Pipelines {
        PacketPipeline create(SmtpEventListener events);
    }

    private final FlowSettings flow;
    private final SmtpSettings smtp;
    private final String sensor;

    /** @param sensor {@code sensor.name}, written on every smtp.jsonl and anomalies.jsonl line */
    public SensorAssembly(FlowSettings flow, SmtpSettings smtp, String sensor) {
        this.flow = Objects.requireNonNull(flow, "flow");
        this.smtp = Objects.requireNonNull(smtp, "smtp");
        this.sensor = Objects.requireNonNull(sensor, "sensor");
    }

    public static SensorAssembly of(MailtapConfig cfg) {
        return new SensorAssembly(cfg.flowSettings(), cfg.smtpSettings(), cfg.sensor().name());
    }

    public String sensor() { return sensor; }

    public FlowSettings flowSettings() { return flow; }

    public SmtpSettings smtpSettings() { return smtp; }

    /** Pipelines for one of {@code shards} disjoint flow shards, each with its share of the flow limits. */
    public Pipelines pipelines(int shards) {
        FlowSettings share = shardFlowSettings(flow, shards);
        return events -> new PacketPipeline(share, smtp, events);
    }

    /** A worker's part of the flow limits: max_flows and the total buffer budget are split evenly. */
    static FlowSettings shardFlowSettings(FlowSettings s, int workers) {
        if (workers <= 1) return s;
        int maxFlows = (int) Math.max(1, (s.maxFlows() + (long) workers - 1) / workers);
        long total = Math.max(1, s.maxBufferedBytesTotal() / workers);
        int perDirection = (int) Math.min(s.maxBufferedBytesPerDirection(), total);
        return new FlowSettings(s.smtpPorts(), s.trackAllTcp(), maxFlows, perDirection, total,
                s.attemptTimeoutMicros(), s.idleTimeoutMicros(), s.closedTimeoutMicros(),
                s.ackWaitMicros(), s.ackWaitMaxBytes(), Math.max(1, s.overlapCheckBuffers() / workers));
    }

    /**
     * The ordered consumers over {@code outDir/smtp.jsonl} and {@code outDir/anomalies.jsonl},
     * opened as {@code files} decides, then {@code then} (detection, summaries) in order. A replay
     * stops on a failing consumer, the live sensor counts it and goes on ({@link EventConsumers.Failures}).
     *
     * @param health write counters per output (the live sensor's, across reloads), or null: fresh ones
     */
    EventConsumers consumers(OutputFiles files, Path outDir, OutputHealth health, List<SmtpEventListener> then)
            throws IOException {
        TransactionLogWriter log = new TransactionLogWriter(
                files.open(Output.SMTP, outDir.resolve(Replay.TRANSACTION_LOG), stats(health, Output.SMTP)), sensor);
        AnomalyLogWriter anomalies;
        try {
            anomalies = new AnomalyLogWriter(
                    files.open(Output.ANOMALIES, outDir.resolve(Replay.ANOMALY_LOG), stats(health, Output.ANOMALIES)), sensor);
        } catch (IOException | RuntimeException e) {
            log.close();
            throw e;
        }
        return new EventConsumers(log, anomalies, then,
                files.live() ? EventConsumers.Failures.COUNT : EventConsumers.Failures.STOP);
    }

    private static OutputStats stats(OutputHealth health, Output o) {
        return health == null ? new OutputStats() : health.of(o);
    }
}
