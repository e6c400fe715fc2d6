package io.mailtap.sensor;

import io.mailtap.alert.AlertSink;
import io.mailtap.alert.AlertTracker;
import io.mailtap.alert.JsonAlertLog;
import io.mailtap.config.MailtapConfig;
import io.mailtap.detect.DetectionEngine;
import io.mailtap.log.OutputStats;

import java.io.IOException;
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

    private Detection(DetectionEngine engine, AlertTracker tracker, Path alertLog) {
        this.engine = engine;
        this.tracker = tracker;
        this.alertLog = alertLog;
    }

    /**
     * @param outDir        where a relative {@code alerts.log.path} goes
     * @param live          the live sensor: the alert log is appended to and every line reaches the
     *                      disk at once; a replay writes it afresh, buffered
     * @param extraSinks    further sinks (replay's summary, Alertmanager, webhook)
     */
    public static Detection build(MailtapConfig cfg, Path outDir, boolean live, List<AlertSink> extraSinks)
            throws IOException {
        return build(cfg, outDir, live, extraSinks, new OutputStats());
    }

    /** As above; the alert log counts into {@code alertLogStats} (the live sensor's, across reloads). */
    public static Detection build(MailtapConfig cfg, Path outDir, boolean live, List<AlertSink> extraSinks,
                                  OutputStats alertLogStats) throws IOException {
        List<AlertSink> sinks = new ArrayList<>();
        Path logPath = null;
        if (cfg.alerts().logPath() != null) {
            logPath = outDir.resolve(cfg.alerts().logPath());
            sinks.add(JsonAlertLog.open(logPath, live, alertLogStats));
        }
        sinks.addAll(extraSinks);
        AlertTracker tracker = new AlertTracker(cfg.alertSettings(), sinks);
        return new Detection(new DetectionEngine(cfg.detectSettings(), tracker), tracker, logPath);
    }

    public DetectionEngine engine() { return engine; }
    public AlertTracker tracker() { return tracker; }
    /** The alert log's path, or null when it is switched off. */
    public Path alertLog() { return alertLog; }

    /** Packet time moved without events (live heartbeat): windows slide, quiet alerts resolve. */
    public void advanceTime(long tsMicros) {
        engine.advanceTime(tsMicros);
    }

    @Override
    public void close() {
        tracker.flush();
        tracker.close();
    }
}
