package io.mailtap.alert;

import com.fasterxml.jackson.core.JsonGenerator;
import io.mailtap.txlog.EventType;
import io.mailtap.txlog.Output;
import io.mailtap.txlog.OutputStats;
import io.mailtap.txlog.RecordFile;
import io.mailtap.txlog.ReopenRequest;
import io.mailtap.txlog.SafeJson;
import io.mailtap.time.PacketTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code alerts.jsonl}: one JSON object per notification, one per line, written with
 * {@link SafeJson} (wire text such as a hostile HELO can never inject a control character or a line
 * break). Field names are a contract: add fields, never rename. Every line has every field (null
 * when not applicable):
 * {@link #FIELDS}. Times are ISO-8601 UTC with microseconds.
 *
 * <p>Each line is rendered whole and handed to a {@link RecordFile} (whole lines only; a full disk
 * is retried and the loss counted there). Synchronous and cheap: the detection thread is off the
 * packet path. An I/O error is counted and logged once, never thrown into the pipeline.
 */
public final class JsonAlertLog implements AlertSink {
    /** The keys of every line, in order (the README lists them from here; a test checks both). */
    public static final List<String> FIELDS = List.of("ts", "event_type", "rule", "severity", "status", "key",
            "src_ip", "dst_ip", "account", "state", "list", "count", "window_seconds", "first_seen", "last_seen",
            "summary", "evidence", "gaps", "sensor", "site", "community_id");

    private static final Logger LOG = LoggerFactory.getLogger(JsonAlertLog.class);

    private final RecordFile file;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(1024);
    private final Writer lineWriter = new OutputStreamWriter(line, StandardCharsets.UTF_8);
    private long lines;
    private long errors;

    public JsonAlertLog(RecordFile file) {
        this.file = file;
    }

    /**
     * Opens {@code file} (creating it 0640 and its directories).
     *
     * @param live true: the live sensor (appends: a restart must not wipe the log; every line
     *             reaches the disk at once; survives a full disk, see {@link RecordFile}); false: a
     *             replay (starts the file afresh, buffered)
     */
    public static JsonAlertLog open(Path file, boolean live, OutputStats stats) throws IOException {
        return open(file, live, stats, null);
    }

    /** As above; live, the file is reopened by its path on {@code reopen} (log rotation; null: never). */
    public static JsonAlertLog open(Path file, boolean live, OutputStats stats, ReopenRequest reopen) throws IOException {
        RecordFile f = RecordFile.open(Output.ALERTS, file, live, stats);
        if (reopen != null) f.reopenOn(reopen);
        return new JsonAlertLog(f);
    }

    /** Reopens the file if a rotation asked for it (between two alerts; see {@link RecordFile#reopenIfRequested}). */
    public synchronized void reopenIfRequested() {
        file.reopenIfRequested();
    }

    @Override
    public synchronized void publish(Alert a) {
        try {
            write(lineWriter, a);
            lineWriter.write('\n');
            lineWriter.flush();
            file.append(line.toByteArray(), 0, line.size());
            lines++;
        } catch (IOException | UncheckedIOException e) {
            if (errors++ == 0) LOG.error("cannot write the alert log; alerts are being lost: {}", e.getMessage());
        } finally {
            line.reset();
        }
    }

    /** The alert as the one-line JSON object this log writes (for other sinks and tests). */
    public static String toJson(Alert a) {
        StringWriter w = new StringWriter(512);
        try {
            write(w, a);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    private static void write(Writer w, Alert a) throws IOException {
        try (JsonGenerator g = SafeJson.factory().createGenerator(w)) {
            g.writeStartObject();
            g.writeStringField("ts", PacketTime.iso(a.tsMicros()));
            g.writeStringField("event_type", EventType.ALERT.id());
            g.writeStringField("rule", a.rule().id());
            g.writeStringField("severity", a.severity().label());
            g.writeStringField("status", a.status().label());
            g.writeStringField("key", a.key());
            g.writeStringField("src_ip", a.srcIp());
            g.writeStringField("dst_ip", a.dstIp());
            g.writeStringField("account", a.account());
            g.writeStringField("state", a.state());
            g.writeStringField("list", a.list());
            g.writeNumberField("count", a.count());
            if (a.windowSeconds() > 0) g.writeNumberField("window_seconds", a.windowSeconds());
            else g.writeNullField("window_seconds");
            g.writeStringField("first_seen", PacketTime.iso(a.firstSeenMicros()));
            g.writeStringField("last_seen", PacketTime.iso(a.lastSeenMicros()));
            g.writeStringField("summary", a.summary());
            g.writeFieldName("evidence");
            writeValue(g, a.evidence());
            g.writeBooleanField("gaps", a.gaps());
            g.writeStringField("sensor", a.sensor());
            g.writeStringField("site", a.site());
            g.writeStringField("community_id", a.communityId());
            g.writeEndObject();
        }
    }

    /** Evidence values are strings, numbers, booleans, lists and maps of those; anything else as text. */
    private static void writeValue(JsonGenerator g, Object v) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof String s) {
            g.writeString(s);
        } else if (v instanceof Integer i) {
            g.writeNumber(i);
        } else if (v instanceof Long l) {
            g.writeNumber(l);
        } else if (v instanceof Double d) {
            g.writeNumber(d);
        } else if (v instanceof Number n) {
            g.writeNumber(n.toString());
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof Map<?, ?> m) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                g.writeFieldName(String.valueOf(e.getKey()));
                writeValue(g, e.getValue());
            }
            g.writeEndObject();
        } else if (v instanceof List<?> l) {
            g.writeStartArray();
            for (Object o : l) writeValue(g, o);
            g.writeEndArray();
        } else {
            g.writeString(v.toString());
        }
    }

    @Override
    public synchronized void flush() {
        try {
            file.flush();
        } catch (UncheckedIOException e) {
            if (errors++ == 0) LOG.error("cannot flush the alert log: {}", e.getMessage());
        }
    }

    @Override
    public synchronized void close() {
        try {
            file.close();
        } catch (IOException | UncheckedIOException e) {
            if (errors++ == 0) LOG.error("cannot close the alert log: {}", e.getMessage());
        }
    }

    /** Lines written. */
    public synchronized long lines() { return lines; }

    /** Replay only: write/flush/close failures (the live file counts its losses in {@link OutputStats}). */
    public synchronized long errors() { return errors; }
}
