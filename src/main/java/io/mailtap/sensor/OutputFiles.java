package io.mailtap.sensor;

import io.mailtap.alert.JsonAlertLog;
import io.mailtap.txlog.Output;
import io.mailtap.txlog.OutputStats;
import io.mailtap.txlog.RecordFile;
import io.mailtap.txlog.ReopenRequest;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The one place that decides how smtp.jsonl, anomalies.jsonl and alerts.jsonl open — the only
 * difference between a replay's and a live run's outputs:
 * <ul>
 *   <li>{@link Mode#REPLAY}: each file is written afresh, buffered, beside its final name
 *   ({@link StagedFile}) and renamed onto it by {@link #commit()} only when the replay got through,
 *   so a failed replay leaves the previous answer whole;</li>
 *   <li>{@link Mode#LIVE}: each file is appended to (a restart must not wipe the record), every
 *   record reaches the disk at once, and the file follows log rotation ({@link ReopenRequest}).</li>
 * </ul>
 * Not thread-safe: the thread that assembles opens, the replay or the event thread commits.
 */
public final class OutputFiles {
    public enum Mode { REPLAY, LIVE }

    private final Mode mode;
    private final ReopenRequest rotation; // LIVE only; null: never reopened
    private final List<StagedFile> staged = new ArrayList<>();

    private OutputFiles(Mode mode, ReopenRequest rotation) {
        this.mode = mode;
        this.rotation = rotation;
    }

    /** A replay's outputs: staged, truncated, buffered; in place only after {@link #commit()}. */
    public static OutputFiles replay() {
        return new OutputFiles(Mode.REPLAY, null);
    }

    /** A live run's outputs: appended, written per record, reopened on {@code rotation} (null: never). */
    public static OutputFiles live(ReopenRequest rotation) {
        return new OutputFiles(Mode.LIVE, rotation);
    }

    public Mode mode() { return mode; }

    boolean live() { return mode == Mode.LIVE; }

    /** Opens {@code target} as record file {@code kind}, counting into {@code stats}. */
    RecordFile open(Output kind, Path target, OutputStats stats) throws IOException {
        if (mode == Mode.LIVE) {
            RecordFile f = RecordFile.open(kind, target, true, stats);
            return rotation == null ? f : f.reopenOn(rotation);
        }
        StagedFile s = StagedFile.beside(target);
        RecordFile f = RecordFile.open(kind, s.temp(), false, stats);
        staged.add(s);
        return f;
    }

    /** The JSON alert log at {@code target}. */
    JsonAlertLog alertLog(Path target, OutputStats stats) throws IOException {
        return new JsonAlertLog(open(Output.ALERTS, target, stats));
    }

    /** Replay: every file opened so far replaces its target (the writers must be closed). Live: nothing to do. */
    void commit() throws IOException {
        try {
            for (StagedFile s : staged) s.commit();
        } finally {
            discard();
        }
    }

    /** Replay: drops every staged file not yet committed; the targets are untouched. */
    void discard() {
        for (StagedFile s : staged) s.discard(); // after commit there is nothing left to delete
        staged.clear();
    }
}
