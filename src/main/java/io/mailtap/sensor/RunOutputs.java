package io.mailtap.sensor;

import io.mailtap.config.MailtapConfig;
import io.mailtap.smtp.SmtpEventListener;
import io.mailtap.txlog.Forwarding;
import io.mailtap.txlog.OutputHealth;
import io.mailtap.txlog.ReopenRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What a live run writes to, opened before its agents start: output.dir, the forwarders
 * (output.stdout / output.syslog), the event consumers (smtp.jsonl, anomalies.jsonl) and the first
 * alert generation. Once {@link LiveRuntime#start} ran the event agent owns and closes them; until
 * then a failed start closes them here, so nothing half-open outlives it.
 */
final class RunOutputs {
    /** Logs under the sensor's name, as this line always has. */
    private static final Logger LOG = LoggerFactory.getLogger(LiveSensor.class);

    /** null when neither output.stdout nor output.syslog is on. */
    final Forwarding forwarding;
    final EventConsumers consumers;
    final DetectionSlot.Generation generation;

    private RunOutputs(Forwarding forwarding, EventConsumers consumers, DetectionSlot.Generation generation) {
        this.forwarding = forwarding;
        this.consumers = consumers;
        this.generation = generation;
    }

    /**
     * Opens them for {@code cfg} and attaches the consumers to {@code events}. An error names the
     * setting at fault (output.dir) or the alert stage; what was opened before it is closed again.
     */
    static RunOutputs open(MailtapConfig cfg, SensorAssembly assembly, ReopenRequest rotation, OutputHealth outputs,
                           LiveDetection events, AlertGenerations alerts) throws SensorException {
        Path outDir = cfg.outputDir();
        Forwarding forwarding = null;
        EventConsumers consumers = null;
        try {
            Files.createDirectories(outDir);
            forwarding = ForwardingSinks.create(cfg);
            alerts.forwardTo(forwarding);
            OutputFiles files = OutputFiles.live(rotation);
            consumers = assembly.consumers(files, outDir, outputs, List.<SmtpEventListener>of(events));
            consumers.forwardTo(forwarding);
            events.attach(consumers);
            return new RunOutputs(forwarding, consumers, alerts.build(cfg, files));
        } catch (IOException e) {
            String why = e instanceof AccessDeniedException ? "permission denied: " + e.getMessage() : e.toString();
            SensorException failed = new SensorException("cannot write the outputs in " + outDir.toAbsolutePath() + " (output.dir): " + why, false, e);
            new RunOutputs(forwarding, consumers, null).closeUnstarted(null);
            throw failed;
        } catch (RuntimeException e) {
            SensorException failed = new SensorException("cannot set up alerting: " + e.getMessage(), false, e);
            new RunOutputs(forwarding, consumers, null).closeUnstarted(null);
            throw failed;
        }
    }

    /** Closes what no agent took over (a start that failed); {@code slot}, if built, forgets the generation. */
    void closeUnstarted(DetectionSlot slot) {
        if (consumers != null) closeQuietly(consumers);
        if (generation != null) AlertGenerations.close(generation, slot);
        if (forwarding != null) forwarding.close();
    }

    private static void closeQuietly(Closeable w) {
        try {
            w.close();
        } catch (IOException e) {
            LOG.warn("cannot close an output", e);
        }
    }
}
