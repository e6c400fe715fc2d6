package io.mailtap.log;

import com.fasterxml.jackson.core.JsonGenerator;
import io.mailtap.flow.CommunityId;
import io.mailtap.flow.Connection;
import io.mailtap.smtp.SmtpEvent;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Writes {@code anomalies.jsonl}, mailtap's Zeek {@code weird.log}: one JSON object per reported
 * anomaly, every line with the same keys ({@link #KEYS}). {@code kind} is an {@link io.mailtap.smtp.Anomaly} id; {@code uid}
 * joins the line with {@code smtp.jsonl}. Escaped like every output ({@link SafeJson}). Like the
 * transaction log, each line is handed whole to a {@link RecordFile} (whole lines only, a full disk
 * survived and counted).
 */
public final class AnomalyLogWriter implements Closeable {
    /** The keys of every line, in order (the README lists them from here). */
    public static final java.util.List<String> KEYS = java.util.List.of("ts", "event_type", "sensor", "uid", "community_id",
            "client_ip", "client_port", "server_ip", "server_port", "kind", "detail");

    private final RecordFile file;
    private final String sensor;
    private final CommunityId communityId = new CommunityId(0);
    private final Line line = new Line();
    private final JsonGenerator generator;
    private long lines;
    private LineTap tap = LineTap.NONE;

    /** Reused line buffer whose bytes the record file copies. */
    private static final class Line extends ByteArrayOutputStream {
        Line() { super(512); }
        byte[] bytes() { return buf; }
    }

    /** @param sensor {@code sensor.name}, written on every line */
    public AnomalyLogWriter(RecordFile file, String sensor) {
        this.file = file;
        this.sensor = java.util.Objects.requireNonNull(sensor, "sensor");
        try {
            this.generator = SafeJson.factory().createGenerator(line);
            this.generator.setRootValueSeparator(null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the anomaly log", e);
        }
    }

    public void write(SmtpEvent.Anomaly a) {
        Connection c = a.conn();
        try {
            JsonGenerator g = generator;
            g.writeStartObject();
            g.writeStringField("ts", TransactionLogWriter.isoMicros(a.tsMicros()));
            g.writeStringField("event_type", EventType.ANOMALY.id());
            g.writeStringField("sensor", sensor);
            g.writeStringField("uid", c.uid());
            g.writeStringField("community_id", communityId.of(c));
            g.writeStringField("client_ip", c.clientIpText());
            g.writeNumberField("client_port", c.clientPort());
            g.writeStringField("server_ip", c.serverIpText());
            g.writeNumberField("server_port", c.serverPort());
            g.writeStringField("kind", a.kind().id());
            g.writeStringField("detail", a.detail());
            g.writeEndObject();
            g.writeRaw('\n');
            g.flush();
            file.append(line.bytes(), 0, line.size());
            tap.offer(Forwarded.ANOMALIES, 5, line.bytes(), 0, line.size());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the anomaly log", e);
        } finally {
            line.reset();
        }
        lines++;
    }

    public long lines() { return lines; }

    /** Every line also goes to {@code tap} (the stdout/syslog forwarders; never blocks). */
    public void forwardTo(LineTap tap) { this.tap = tap; }

    /** Reopens the file by its path if a rotation asked for it (see {@link RecordFile#reopenIfRequested}). */
    public void reopenIfRequested() { file.reopenIfRequested(); }

    @Override
    public void close() throws IOException {
        generator.close();
        file.close();
    }
}
