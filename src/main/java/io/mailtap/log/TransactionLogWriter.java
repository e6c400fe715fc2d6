package io.mailtap.log;

import com.fasterxml.jackson.core.JsonGenerator;
import io.mailtap.flow.Connection;
import io.mailtap.smtp.Anomaly;
import io.mailtap.smtp.TransactionRecord;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;
import java.util.function.ToLongBiFunction;

/**
 * Writes {@code smtp.jsonl}: one JSON object per line, one line per mail transaction (or per
 * connection that never reached MAIL FROM). {@link #FIELDS} is the log's schema, declared once: it
 * drives the writer, and the README's field table is checked against it. Add fields, never rename
 * them. Every line has every key, in this order; a string that is unknown or absent is JSON null.
 */
public final class TransactionLogWriter implements Closeable {

    /** One key of every line: its name, its README meaning and how it is written. */
    public record Field(String name, String doc, Value value) {}

    /** Writes one field's value (the generator is positioned after the field name). */
    @FunctionalInterface
    public interface Value {
        void write(JsonGenerator g, Connection c, TransactionRecord r) throws IOException;
    }

    private static Field text(String name, String doc, BiFunction<Connection, TransactionRecord, String> f) {
        return new Field(name, doc, (g, c, r) -> {
            String v = f.apply(c, r);
            if (v == null) g.writeNull(); else g.writeString(v);
        });
    }

    private static Field number(String name, String doc, ToLongBiFunction<Connection, TransactionRecord> f) {
        return new Field(name, doc, (g, c, r) -> g.writeNumber(f.applyAsLong(c, r)));
    }

    private static Field flag(String name, String doc, BiPredicate<Connection, TransactionRecord> f) {
        return new Field(name, doc, (g, c, r) -> g.writeBoolean(f.test(c, r)));
    }

    private static Field texts(String name, String doc, BiFunction<Connection, TransactionRecord, List<String>> f) {
        return new Field(name, doc, (g, c, r) -> {
            g.writeStartArray();
            for (String v : f.apply(c, r)) g.writeString(v);
            g.writeEndArray();
        });
    }

    /** The schema of smtp.jsonl, in line order. */
    public static final List<Field> FIELDS = List.of(
            text("ts", "ISO-8601 UTC (microseconds) of the transaction's first packet: the connection's first packet for the first transaction, the MAIL FROM for later ones",
                    (c, r) -> isoMicros(r.tsMicros())),
            text("uid", "connection id (`C` + 17 base62), deterministic for first packet time and 5-tuple: a replay names connections as the live run did",
                    (c, r) -> c.uid()),
            number("trans_depth", "1-based number of the transaction within its connection", (c, r) -> r.transDepth()),
            text("client_ip", "the client is whoever sent the SYN (see `client_by`); IPv6 in RFC 5952 form", (c, r) -> c.clientIpText()),
            number("client_port", "the client's TCP port", (c, r) -> c.clientPort()),
            text("server_ip", "the server's address", (c, r) -> c.serverIpText()),
            number("server_port", "the server's TCP port", (c, r) -> c.serverPort()),
            number("vlan", "outer 802.1Q tag (0 when untagged), part of the flow key", (c, r) -> c.vlan()),
            number("inner_vlan", "inner tag of QinQ (0 when there is none), part of the flow key", (c, r) -> c.innerVlan()),
            text("helo", "HELO/EHLO/LHLO argument as sent (\"\" when bare)", (c, r) -> r.helo()),
            text("auth_mech", "AUTH mechanism", (c, r) -> r.authMech()),
            text("auth_user", "decoded username (PLAIN authcid, LOGIN username, CRAM-MD5 user; null for mechanisms that do not reveal one). **The password is never decoded, stored or written.**",
                    (c, r) -> r.authUser()),
            text("authzid", "PLAIN authorization identity when given, else null", (c, r) -> r.authzid()),
            text("auth_result", "`success` / `failure` / `unknown`", (c, r) -> r.authResult()),
            text("mail_from", "reverse-path exactly as sent after `FROM:` (`\"<>\"`, `\"<a@b>\"`, or `\"a@b\"` without brackets)",
                    (c, r) -> r.mailFrom()),
            text("mail_params", "the ESMTP parameters of MAIL FROM, null when none", (c, r) -> r.mailParams()),
            flag("null_sender", "`mail_from == \"<>\"` (also with parameters or odd spacing such as `MAIL FROM: <>`)",
                    (c, r) -> r.nullSender()),
            texts("rcpt_to", "every RCPT TO argument in order, up to `smtp.max_rcpt_per_transaction`", (c, r) -> r.rcptTo()),
            number("rcpt_accepted", "RCPT TOs answered 2xx", (c, r) -> r.rcptAccepted()),
            number("rcpt_rejected", "RCPT TOs answered 4xx–5xx", (c, r) -> r.rcptRejected()),
            number("rcpt_not_listed", "RCPT TOs beyond `smtp.max_rcpt_per_transaction`: counted, not listed (0 when all are listed)",
                    (c, r) -> r.rcptDropped()),
            text("message_status", "`accepted` / `rejected` / `aborted` / `none`", (c, r) -> r.messageStatus().label()),
            number("message_bytes", "message size as the server stores it (dot-stuffing removed); bodies are skipped, never kept",
                    (c, r) -> r.messageBytes()),
            text("last_reply", "the last server reply of the transaction, `code text`", (c, r) -> r.lastReply()),
            flag("tls", "the session went TLS (STARTTLS accepted, or implicit TLS on 465)", (c, r) -> r.tls()),
            flag("gaps", "data was missing in either direction while the transaction was open: its facts may be incomplete",
                    (c, r) -> r.gaps()),
            text("client_by", "`syn` (the handshake decided who is the client) or `port` (picked up mid-stream: the side on an SMTP port is the server)",
                    (c, r) -> r.clientBy()),
            texts("anomalies", "kinds of the anomalies (see `anomalies.jsonl`) raised on the connection since the previous line, in catalogue order: those before the first MAIL FROM are in the first line; each anomaly is in one line only",
                    (c, r) -> r.anomalies().stream().map(Anomaly::id).toList()),
            flag("counts_capped", "a limit made this line incomplete: `rcpt_to` stopped at `smtp.max_rcpt_per_transaction` (see `rcpt_not_listed`), or commands were given up at `smtp.max_pending_commands` (`pipeline_overflow`: the rcpt counts are lower bounds)",
                    (c, r) -> r.countsCapped()),
            text("proxy_tunnel", "the HTTP CONNECT / SOCKS4 / SOCKS5 tunnel the connection went through (`socks5 to host:port user u`; never a password), null when none",
                    (c, r) -> r.proxyTunnel()));

    private final Writer out;
    private final boolean flushEachLine;
    private final JsonGenerator generator;
    private long lines;

    /**
     * @param flushEachLine flush after every line (live sensor: a tailing reader sees each record at
     *                      once); a replay leaves it to the buffer
     */
    public TransactionLogWriter(Writer out, boolean flushEachLine) {
        this.out = out;
        this.flushEachLine = flushEachLine;
        try {
            // One generator for the whole file; root values are separated by our own newline.
            this.generator = SafeJson.factory().createGenerator(out);
            this.generator.setRootValueSeparator(null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the transaction log", e);
        }
    }

    public void write(Connection c, TransactionRecord r) {
        try {
            JsonGenerator g = generator;
            g.writeStartObject();
            for (Field f : FIELDS) {
                g.writeFieldName(f.name());
                f.value().write(g, c, r);
            }
            g.writeEndObject();
            g.writeRaw('\n');
            if (flushEachLine) g.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the transaction log", e);
        }
        lines++;
    }

    public long lines() { return lines; }

    /** The README's field table (header included), generated from {@link #FIELDS}. */
    public static String readmeTable() {
        StringBuilder b = new StringBuilder("| field | meaning |\n|---|---|\n");
        for (Field f : FIELDS) b.append("| `").append(f.name()).append("` | ").append(f.doc()).append(" |\n");
        return b.toString();
    }

    @Override
    public void close() throws IOException {
        generator.flush();
        out.close();
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
