package io.mailtap.log;

import com.fasterxml.jackson.core.JsonGenerator;
import io.mailtap.flow.Connection;
import io.mailtap.smtp.SmtpEvent;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;

/**
 * Writes {@code anomalies.jsonl}, mailtap's Zeek {@code weird.log}: one JSON object per reported
 * anomaly, every line with the same keys ({@code ts, uid, client_ip, client_port, server_ip,
 * server_port, kind, detail}). {@code kind} is an {@link io.mailtap.smtp.Anomaly} id; {@code uid}
 * joins the line with {@code smtp.jsonl}. Escaped like every output ({@link SafeJson}).
 */
public final class AnomalyLogWriter implements Closeable {
    private final Writer out;
    private final boolean flushEachLine;
    private final JsonGenerator generator;
    private long lines;

    /** @param flushEachLine flush after every line (live); a replay leaves it to the buffer */
    public AnomalyLogWriter(Writer out, boolean flushEachLine) {
        this.out = out;
        this.flushEachLine = flushEachLine;
        try {
            this.generator = SafeJson.factory().createGenerator(out);
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
            g.writeStringField("uid", c.uid());
            g.writeStringField("client_ip", c.clientIpText());
            g.writeNumberField("client_port", c.clientPort());
            g.writeStringField("server_ip", c.serverIpText());
            g.writeNumberField("server_port", c.serverPort());
            g.writeStringField("kind", a.kind().id());
            g.writeStringField("detail", a.detail());
            g.writeEndObject();
            g.writeRaw('\n');
            if (flushEachLine) g.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the anomaly log", e);
        }
        lines++;
    }

    public long lines() { return lines; }

    @Override
    public void close() throws IOException {
        generator.flush();
        out.close();
    }
}
