package io.mailtap.sensor;

import io.mailtap.alert.AlertSink;
import io.mailtap.alert.AlertTracker;
import io.mailtap.alert.JsonAlertLog;
import io.mailtap.config.MailtapConfig;
import io.mailtap.detect.DetectPlan;
import io.mailtap.detect.DetectionEngine;
import io.mailtap.detect.RuleId;
import io.mailtap.txlog.OutputStats;
import io.mailtap.txlog.ReopenRequest;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * detect → alert as configured: the rule engine, the de-duplicating tracker and its sinks (the JSON
 * alert log always, when a path is configured, plus whatever the caller adds). Replay and the live
 * sensor build it the same way, which is what makes a replay give the live run's alerts.
 *
 * <p>A live reload does not rebuild it: {@link #prepare} opens, off the event thread, only the sinks
 * whose settings changed, and {@link Change#apply} (on the event thread, between two events) hands
 * the new settings to the engine and the tracker, which keep the state of everything unchanged.
 */
public final class Detection implements AutoCloseable {
    private final DetectionEngine engine;
    private final AlertTracker tracker;
    private Path alertLog;
    private AlertSink log;
    private List<AlertSink> extras;
    private final OutputFiles files; // how the alert log opens (replay: staged until keepOutput())
    private final OutputStats alertLogStats;
    private volatile boolean keep;

    private Detection(DetectionEngine engine, AlertTracker tracker, Path alertLog, AlertSink log, List<AlertSink> extras,
                      OutputFiles files, OutputStats alertLogStats) {
        this.engine = engine;
        this.tracker = tracker;
        this.alertLog = alertLog;
        this.log = log;
        this.extras = List.copyOf(extras);
        this.files = files;
        this.alertLogStats = alertLogStats;
    }

    /**
     * @param outDir        where a relative {@code alerts.log.path} goes
     * @param live          the live sensor: the alert log is appended to and every line reaches the
     *                      disk at once; a replay writes it afresh, buffered
     * @param extraSinks    further sinks (replay's summary, Alertmanager, webhook)
     */
    public static Detection build(MailtapConfig cfg, Path outDir, boolean live, List<AlertSink> extraSinks)
            throws IOException {
        return build(cfg, outDir, live, extraSinks, new OutputStats(), null);
    }

    /**
     * As above; the alert log counts into {@code alertLogStats} (the live sensor's, across reloads)
     * and, live, reopens its path on {@code reopen} (log rotation; null: never).
     */
    public static Detection build(MailtapConfig cfg, Path outDir, boolean live, List<AlertSink> extraSinks,
                                  OutputStats alertLogStats, ReopenRequest reopen) throws IOException {
        return build(cfg, outDir, live ? OutputFiles.live(reopen) : OutputFiles.replay(), extraSinks, alertLogStats);
    }

    /** As above, the alert log opened as {@code files} decides (the assembly's one choice of output mode). */
    public static Detection build(MailtapConfig cfg, Path outDir, OutputFiles files, List<AlertSink> extraSinks,
                                  OutputStats alertLogStats) throws IOException {
        Path logPath = logPath(cfg, outDir);
        AlertSink log = logPath == null ? null : files.alertLog(logPath, alertLogStats);
        AlertTracker tracker = new AlertTracker(cfg.alertSettings(), sinks(log, extraSinks));
        return new Detection(new DetectionEngine(DetectPlan.from(cfg.view()), tracker), tracker, logPath, log, extraSinks, files,
                alertLogStats);
    }

    private static Path logPath(MailtapConfig cfg, Path outDir) {
        return cfg.alerts().logPath() == null ? null : outDir.resolve(cfg.alerts().logPath());
    }

    private static List<AlertSink> sinks(AlertSink log, List<AlertSink> extras) {
        List<AlertSink> all = new ArrayList<>();
        if (log != null) all.add(log);
        all.addAll(extras);
        return all;
    }

    /** A reload's change to this detection stage: built by {@link #prepare}, applied once on the event thread. */
    public final class Change {
        private final MailtapConfig next;
        private final boolean newLog;
        private final Path logPath;
        private final AlertSink log;
        private final List<AlertSink> extras; // null: keep the running ones
        private List<AlertSink> replaced = List.of();
        private List<RuleId> disabled = List.of();
        private boolean applied;

        private Change(MailtapConfig next, boolean newLog, Path logPath, AlertSink log, List<AlertSink> extras) {
            this.next = next;
            this.newLog = newLog;
            this.logPath = logPath;
            this.log = log;
            this.extras = extras == null ? null : List.copyOf(extras);
        }

        /** On the event thread: the engine and tracker take the new settings; new sinks replace old ones. */
        void apply() {
            if (applied) return;
            applied = true;
            disabled = engine.reconfigure(DetectPlan.from(next.view()));
            boolean sinksChange = newLog || extras != null;
            AlertSink nextLog = newLog ? log : Detection.this.log;
            List<AlertSink> nextExtras = extras != null ? extras : Detection.this.extras;
            replaced = tracker.reconfigure(next.alertSettings(), disabled,
                    sinksChange ? sinks(nextLog, nextExtras) : null, extras != null ? extras : List.of());
            if (newLog) {
                Detection.this.log = log;
                alertLog = logPath;
            }
            if (extras != null) Detection.this.extras = extras;
        }

        /** The sinks the change replaced (once applied): the caller closes them, off the event thread. */
        public List<AlertSink> replaced() { return replaced; }

        /** Rules the change switched off (their open alerts were resolved). */
        public List<RuleId> disabled() { return disabled; }

        /** The sinks this change opened and uses (the running ones it keeps are not listed). */
        public List<AlertSink> opened() {
            List<AlertSink> l = new ArrayList<>();
            if (newLog && log != null) l.add(log);
            if (extras != null) l.addAll(extras);
            return l;
        }

        /** The change was not applied: closes what it opened. */
        public void discard() {
            if (applied) return;
            for (AlertSink s : opened()) s.close();
        }
    }

    /**
     * Prepares a reload to {@code next} (off the event thread). The alert log is reopened only when
     * its path changed; {@code newExtras} are the rebuilt Alertmanager/webhook sinks, or null to
     * keep the running ones.
     */
    public Change prepare(MailtapConfig next, Path outDir, boolean live, List<AlertSink> newExtras) throws IOException {
        Path nextPath = logPath(next, outDir);
        boolean newLog = !java.util.Objects.equals(nextPath, alertLog);
        AlertSink nextLog = newLog && nextPath != null ? files.alertLog(nextPath, alertLogStats) : null;
        return new Change(next, newLog, nextPath, nextLog, newExtras);
    }

    public DetectionEngine engine() { return engine; }
    public AlertTracker tracker() { return tracker; }
    /** The alert log's path, or null when it is switched off. */
    public Path alertLog() { return alertLog; }

    /** On the event thread: the alert log reopens its path if a rotation asked for it (see {@link ReopenRequest}). */
    public void reopenIfRequested() {
        if (log instanceof JsonAlertLog j) j.reopenIfRequested();
    }

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
        if (files.live()) return;
        if (keep) {
            try {
                files.commit();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot move the alert log into place at " + alertLog, e);
            }
        } else {
            files.discard();
        }
    }
}
