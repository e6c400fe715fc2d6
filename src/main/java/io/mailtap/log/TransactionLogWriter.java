package io.mailtap.log;

import com.fasterxml.jackson.core.JsonGenerator;
import io.mailtap.flow.Connection;
import io.mailtap.smtp.TransactionRecord;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Writes {@code smtp.jsonl}: one JSON object per line, one line per mail transaction (or per
 * connection that never reached MAIL FROM). The field names are the log's contract, documented in
 * the README; add fields, never rename them. Null values are written as JSON null so every line has
 * the same keys.
 *
 * <p>Each line is rendered into a reused buffer and handed whole to a {@link RecordFile}, which
 * owns how it reaches the disk (whole lines only, surviving a full disk).
 */
public final class TransactionLogWriter implements Closeable {
    private final RecordFile file;
    private final Line line = new Line();
    private final JsonGenerator generator;
    private long lines;

    /** Reused line buffer whose bytes the record file copies. */
    private static final class Line extends ByteArrayOutputStream {
        Line() { super(1024); }
        byte[] bytes() { return buf; }
    }

    public TransactionLogWriter(RecordFile file) {
        this.file = file;
        try {
            // One generator for the whole file; root values are separated by our own newline.
            this.generator = SafeJson.factory().createGenerator(line);
            this.generator.setRootValueSeparator(null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the transaction log", e);
        }
    }

    public void write(Connection c, TransactionRecord r) {
        try {
            JsonGenerator g = generator;
            g.writeStartObject();
            g.writeStringField("ts", isoMicros(r.tsMicros()));
            g.writeStringField("uid", c.uid());
            g.writeNumberField("trans_depth", r.transDepth());
            g.writeStringField("client_ip", c.clientIpText());
            g.writeNumberField("client_port", c.clientPort());
            g.writeStringField("server_ip", c.serverIpText());
            g.writeNumberField("server_port", c.serverPort());
            g.writeNumberField("vlan", c.vlan());
            if (c.innerVlan() != 0) g.writeNumberField("inner_vlan", c.innerVlan());
            g.writeStringField("helo", r.helo());
            g.writeStringField("auth_mech", r.authMech());
            g.writeStringField("auth_user", r.authUser());
            if (r.authzid() != null) g.writeStringField("authzid", r.authzid());
            g.writeStringField("auth_result", r.authResult());
            g.writeBooleanField("auth_result_inferred", r.authResultInferred());
            g.writeStringField("mail_from", r.mailFrom());
            if (r.mailParams() != null) g.writeStringField("mail_params", r.mailParams());
            g.writeBooleanField("null_sender", r.nullSender());
            g.writeArrayFieldStart("rcpt_to");
            for (String rcpt : r.rcptTo()) g.writeString(rcpt);
            g.writeEndArray();
            g.writeNumberField("rcpt_accepted", r.rcptAccepted());
            g.writeNumberField("rcpt_rejected", r.rcptRejected());
            if (r.rcptDropped() > 0) g.writeNumberField("rcpt_not_listed", r.rcptDropped());
            g.writeStringField("message_status", r.messageStatus().label());
            g.writeNumberField("message_bytes", r.messageBytes());
            g.writeStringField("last_reply", r.lastReply());
            g.writeBooleanField("tls", r.tls());
            g.writeBooleanField("plaintext_after_starttls", r.plaintextAfterStarttls());
            g.writeBooleanField("gaps", r.gaps());
            g.writeBooleanField("pairing_uncertain", r.pairingUncertain());
            g.writeStringField("client_by", r.clientBy());
            g.writeStringField("one_way", r.oneWay());
            g.writeEndObject();
            g.writeRaw('\n');
            g.flush();
            file.append(line.bytes(), 0, line.size());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the transaction log", e);
        } finally {
            line.reset();
        }
        lines++;
    }

    public long lines() { return lines; }

    @Override
    public void close() throws IOException {
        generator.close();
        file.close();
    }

    private static final DateTimeFormatter ISO_MICROS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    /** ISO-8601 UTC with a fixed six-digit fraction (the capture's precision), so lines sort as text. */
    public static String isoMicros(long tsMicros) {
        long secs = Math.floorDiv(tsMicros, 1_000_000L);
        long micros = Math.floorMod(tsMicros, 1_000_000L);
        return ISO_MICROS.format(Instant.ofEpochSecond(secs, micros * 1000L));
    }
}
