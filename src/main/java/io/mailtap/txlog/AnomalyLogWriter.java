package io.mailtap.txlog;

import io.mailtap.flow.CommunityId;
import io.mailtap.flow.Connection;
import io.mailtap.smtp.SmtpEvent;
import io.mailtap.time.PacketTime;

import java.io.Closeable;
import java.io.IOException;

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

    private final JsonLineOutput out;
    private final String sensor;
    private final CommunityId communityId = new CommunityId(0);
    /** The line's timestamp, formatted in place (the writer is single-threaded). */
    private final char[] time = new char[PacketTime.ISO_MAX_LENGTH];

    /** @param sensor {@code sensor.name}, written on every line */
    public AnomalyLogWriter(RecordFile file, String sensor) {
        this.out = new JsonLineOutput(file, Forwarded.ANOMALIES, "the anomaly log", 512);
        this.sensor = java.util.Objects.requireNonNull(sensor, "sensor");
    }

    public void write(SmtpEvent.Anomaly a) {
        Connection c = a.conn();
        out.write(5, g -> { // syslog severity 5, notice
            g.writeFieldName("ts");
            g.writeString(time, 0, PacketTime.iso(a.tsMicros(), time, 0));
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
        });
    }

    public long lines() { return out.lines(); }

    /** Every line also goes to {@code tap} (the stdout/syslog forwarders; never blocks). */
    public void forwardTo(LineTap tap) { out.forwardTo(tap); }

    /** Reopens the file by its path if a rotation asked for it (see {@link RecordFile#reopenIfRequested}). */
    public void reopenIfRequested() { out.reopenIfRequested(); }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
