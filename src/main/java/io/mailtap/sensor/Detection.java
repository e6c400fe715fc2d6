package io.mailtap.sensor;

import io.mailtap.alert.AlertSink;
import io.mailtap.alert.AlertTracker;
import io.mailtap.alert.JsonAlertLog;
import io.mailtap.config.MailtapConfig;
import io.mailtap.detect.DetectionEngine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * detect → alert as configured: the rule engine, the de-duplicating tracker and its sinks (the JSON
 * alert log always, when a path is configured, plus whatever the caller adds). Replay and the live
 * sensor build it the same way, which is what makes a replay give the live run's alerts.
 */
public final class Detection implements AutoCloseable {
    private final DetectionEngine engine;
    private final AlertTracker tracker;
    private final Path alertLog;
    private final StagedFile staged; // a replay's alert log until keepOutput(); null live
    private volatile boolean keep;

    private Detection(DetectionEngine engine, AlertTracker tracker, Path alertLog, StagedFile staged) {
        this.engine = engine;
        this.tracker = tracker;
        this.alertLog = alertLog;
        this.staged = staged;
    }

    /**
     * @param outDir        where a relative {@code alerts.log.path} goes
     * @param live          the live sensor: the alert log is appended to and every line reaches the
     *                      disk at once; a replay writes it afresh, buffered
     * @param extraSinks    further sinks (replay's summary, Alertmanager, webhook)
     */
    public static Detection build(MailtapConfig cfg, Path outDir, boolean live, List<AlertSink> extraSinks)
            throws IOException {
        List<AlertSink> sinks = new ArrayList<>();
        Path logPath = null;
        StagedFile staged = null;
        if (cfg.alerts().logPath() != null) {
            logPath = outDir.resolve(cfg.alerts().logPath());
            if (logPath.getParent() != null) Files.createDirectories(logPath.getParent());
            // a replay writes a complete new answer beside the old one and swaps it in at close
            if (!live) staged = StagedFile.beside(logPath);
            sinks.add(JsonAlertLog.open(live ? logPath : staged.temp(), live, live));
        }
        sinks.addAll(extraSinks);
        AlertTracker tracker = new AlertTracker(cfg.alertSettings(), sinks);
        return new Detection(new DetectionEngine(cfg.detectSettings(), tracker), tracker, logPath, staged);
    }

    public DetectionEngine engine() { return engine; }
    public AlertTracker tracker() { return tracker; }
    /** The alert log's path, or null when it is switched off. */
    public Path alertLog() { return alertLog; }

    /** Packet time moved without events (live heartbeat): windows slide, quiet alerts resolve. */
    public void advanceTime(long tsMicros) {
        engine.advanceTime(tsMicros);
    }

    /** The replay got through: at {@link #close()} its alert log replaces the previous one. */
    public void keepOutput() {
        keep = true;
    }

    /** Flushes and closes the sinks; a replay's alert log is swapped in only after {@link #keepOutput()}. */
    @Override
    public void close() {
        tracker.flush();
        tracker.close();
        if (staged == null) return;
        if (keep) {
            try {
                staged.commit();
            } catch (IOException e) {
                staged.discard();
                throw new java.io.UncheckedIOException("cannot move the alert log into place at " + alertLog, e);
            }
        } else {
            staged.discard();
        }
    }
}
