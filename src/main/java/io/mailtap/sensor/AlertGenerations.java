package io.mailtap.sensor;

import io.mailtap.alert.AlertSink;
import io.mailtap.alert.ForwardedAlerts;
import io.mailtap.alert.MonitoredSink;
import io.mailtap.config.MailtapConfig;
import io.mailtap.txlog.Forwarding;
import io.mailtap.txlog.Output;
import io.mailtap.txlog.OutputHealth;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the generations of the live alert stage (detection, tracker, alert log, sinks): the first
 * one at start and, through {@link #sinks()}, every one a {@link Reloader} swaps in. One builder for
 * both so a reloaded stage gets exactly the sinks the first one had, the run's forwarders included.
 */
final class AlertGenerations {
    /** Logs under the sensor's name: operators filter on it, and the split must not move a line. */
    private static final Logger LOG = LoggerFactory.getLogger(LiveSensor.class);

    private final SinkFactory sinks;
    /** The alert log stays where the sensor started: output.dir needs a restart. */
    private final Path outputDir;
    private final OutputHealth outputs;
    /** output.stdout / output.syslog of this run, set once start() opened them; null: none. */
    private volatile Forwarding forwarding;

    AlertGenerations(SinkFactory configured, Path outputDir, OutputHealth outputs) {
        this.outputDir = outputDir;
        this.outputs = outputs;
        this.sinks = c -> {
            // every generation of alert sinks also hands its notifications to the run's forwarders
            List<AlertSink> l = new ArrayList<>(configured.create(c));
            Forwarding f = forwarding;
            if (f != null) l.add(new ForwardedAlerts(f));
            return l;
        };
    }

    /** From now on each generation's sinks also forward to {@code f}. */
    void forwardTo(Forwarding f) { this.forwarding = f; }

    /** The sinks of one generation (the configured ones plus the forwarders); what a reload builds from. */
    SinkFactory sinks() { return sinks; }

    /** The alert stage of {@code cfg}; its sinks are closed again if the detection cannot be built. */
    DetectionSlot.Generation build(MailtapConfig cfg, OutputFiles files) throws IOException {
        List<AlertSink> extra = sinks.create(cfg);
        Detection d;
        try {
            d = Detection.build(cfg, outputDir, files, extra, outputs.of(Output.ALERTS));
        } catch (IOException | RuntimeException e) {
            for (AlertSink s : extra) s.close();
            throw e;
        }
        List<MonitoredSink> monitored = new ArrayList<>();
        for (AlertSink s : extra) if (s instanceof MonitoredSink m) monitored.add(m);
        return new DetectionSlot.Generation(d, cfg, monitored);
    }

    /** Closes a generation no agent took over; {@code slot} (null before it exists) forgets it. */
    static void close(DetectionSlot.Generation g, DetectionSlot slot) {
        try {
            g.detection.close();
        } catch (RuntimeException e) {
            LOG.warn("closing the previous alert sinks failed", e);
        }
        if (slot != null) slot.retired(g);
    }
}
