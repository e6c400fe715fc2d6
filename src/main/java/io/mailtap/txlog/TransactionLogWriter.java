package io.mailtap.txlog;

import com.fasterxml.jackson.core.JsonGenerator;
import io.mailtap.flow.CommunityId;
import io.mailtap.flow.Connection;
import io.mailtap.smtp.Anomaly;
import io.mailtap.smtp.TransactionRecord;
import io.mailtap.time.PacketTime;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;
import java.util.function.ToLongBiFunction;

/**
 * Writes {@code smtp.jsonl}: one JSON object per line, one line per mail transaction (or per
 * connection that never reached MAIL FROM). {@link #FIELDS} is the log's schema, declared once: it
 * drives the writer, and the README's field table is checked against it. Add fields, never rename
 * them. Every line has every key, in this order; a string that is unknown or absent is JSON null.
 *
 * <p>Each line is rendered into a reused buffer and handed whole to a {@link RecordFile}, which
 * owns how it reaches the disk (whole lines only, surviving a full disk).
 */
public final class TransactionLogWriter implements Closeable {
    private static final String ONE_WAY_DOC = "null when both directions were captured; `client_only` when the capture carries the client's bytes only (TX-only SPAN, asymmetric routing): the client went past two commands it must wait for (EHLO, AUTH, DATA, the end of a message, STARTTLS, …; RFC 2920 §3.1) in later packets while no server byte was seen, or no server byte came in the whole connection. Then every command is logged with its arguments but no reply: `rcpt_accepted`/`rcpt_rejected` stay 0, `last_reply` null, `message_status` `unknown`, AUTH results inferred (`auth_result_inferred`), STARTTLS counts as accepted when TLS bytes follow. `server_only` when replies arrive and the client sent no byte: only reply codes and texts are known (`last_reply`, blocklist refusals still alert), never HELO, AUTH user, MAIL FROM or RCPT arguments, so each connection is one line with `message_status` `none`. Counted in `mailtap_smtp_one_way_total{seen}`, said in the replay summary and, at most once a minute, in the live log";

    /** One key of every line: its name, its README meaning and how it is written. */
    public record Field(String name, String doc, Value value) {}

    /**
     * Writes one field's value (the generator is positioned after the field name); {@code w} is the
     * writer, for what belongs to the file rather than to the record (the sensor's name, the
     * writer's own Community ID digest).
     */
    @FunctionalInterface
    public interface Value {
        void write(JsonGenerator g, TransactionLogWriter w, Connection c, TransactionRecord r) throws IOException;
    }

    private static Field text(String name, String doc, BiFunction<Connection, TransactionRecord, String> f) {
        return new Field(name, doc, (g, w, c, r) -> {
            String v = f.apply(c, r);
            if (v == null) g.writeNull(); else g.writeString(v);
        });
    }

    private static Field number(String name, String doc, ToLongBiFunction<Connection, TransactionRecord> f) {
        return new Field(name, doc, (g, w, c, r) -> g.writeNumber(f.applyAsLong(c, r)));
    }

    private static Field flag(String name, String doc, BiPredicate<Connection, TransactionRecord> f) {
        return new Field(name, doc, (g, w, c, r) -> g.writeBoolean(f.test(c, r)));
    }

    private static Field texts(String name, String doc, BiFunction<Connection, TransactionRecord, List<String>> f) {
        return new Field(name, doc, (g, w, c, r) -> {
            g.writeStartArray();
            for (String v : f.apply(c, r)) g.writeString(v);
            g.writeEndArray();
        });
    }

    /** The schema of smtp.jsonl, in line order. */
    public static final List<Field> FIELDS = List.of(
            new Field("ts", "ISO-8601 UTC (microseconds) of the transaction's first packet: the connection's first packet for the first transaction, the MAIL FROM for later ones. A capture timestamp past `2262-04-11T23:47:16.854775Z` (pcapng holds 64 bits) is clamped to exactly that value, which therefore means \"time out of range\" (counted in `mailtap_packets_timestamp_clamped_total`)",
                    (g, w, c, r) -> g.writeString(w.time, 0, PacketTime.iso(r.tsMicros(), w.time, 0))),
            new Field("event_type", "always `" + EventType.SMTP.id() + "`: which log the line is from (`alert` in alerts.jsonl, `anomaly` in anomalies.jsonl), as `event_type` in Suricata's eve.json",
                    (g, w, c, r) -> g.writeString(EventType.SMTP.id())),
            new Field("sensor", "`sensor.name` of the sensor that wrote the line (the host name unless configured), as on every alert and anomaly",
                    (g, w, c, r) -> g.writeString(w.sensor)),
            text("uid", "connection id (`C` + 17 base62), deterministic for first packet time and 5-tuple: a replay names connections as the live run did",
                    (c, r) -> c.uid()),
            new Field("community_id", "the [Community ID](https://github.com/corelight/community-id-spec) v1 of the connection (seed 0): the same value Zeek, Suricata and Arkime give it, to join their records with this one",
                    (g, w, c, r) -> g.writeString(w.communityId.of(c))),
            number("trans_depth", "1-based number of the transaction within its connection", (c, r) -> r.transDepth()),
            text("client_ip", "the client is whoever sent the SYN (see `client_by`); IPv6 in RFC 5952 form", (c, r) -> c.clientIpText()),
            number("client_port", "the client's TCP port", (c, r) -> c.clientPort()),
            text("server_ip", "the server's address", (c, r) -> c.serverIpText()),
            number("server_port", "the server's TCP port", (c, r) -> c.serverPort()),
            number("vlan", "outer 802.1Q tag (0 when untagged), part of the flow key", (c, r) -> c.vlan()),
            number("inner_vlan", "inner tag of QinQ (0 when there is none), part of the flow key", (c, r) -> c.innerVlan()),
            text("helo", "HELO/EHLO/LHLO argument as sent (\"\" when bare)", (c, r) -> r.helo()),
            text("auth_mech", "AUTH mechanism, upper case, only ever a known SASL name (the IANA registry plus LOGIN, XOAUTH, XOAUTH2, SRP); any other word after `AUTH` — e.g. `AUTH <base64>` without a mechanism, which puts the credential there — is `unknown`", (c, r) -> r.authMech()),
            text("auth_user", "decoded username (PLAIN authcid, LOGIN username, CRAM-MD5 user; null for mechanisms that do not reveal one). LOGIN's user is its **first** response by position, whatever the server's prompts say: a re-prompt for \"Username:\" after an undecodable line is answered with the password by most clients, so no later line is ever decoded, and after a capture hole inside the exchange no line at all (its position is lost). **The password is never decoded, stored or written.**",
                    (c, r) -> r.authUser()),
            text("authzid", "PLAIN authorization identity when given, else null", (c, r) -> r.authzid()),
            text("auth_result", "`success` / `failure` / `unknown`", (c, r) -> r.authResult()),
            flag("auth_result_inferred", "`true` when `auth_result` was not read from a reply but inferred on a client-only capture (`one_way`) from what the client did next: MAIL FROM after AUTH (with no new AUTH) means `success`, a new AUTH or a `*` cancel means `failure`; AUTH followed only by QUIT/RSET/EHLO stays `unknown`. An inferred success is the session's AUTH user like a read one, so the account rules (`null_sender_burst` by account, `auth_guest_account`, `auth_account_burst`) keep working; the Auth event carries `inferred` and the reply code 0",
                    (c, r) -> r.authResultInferred()),
            text("mail_from", "reverse-path exactly as sent after `FROM:` (`\"<>\"`, `\"<a@b>\"`, or `\"a@b\"` without brackets)",
                    (c, r) -> r.mailFrom()),
            text("mail_params", "the ESMTP parameters of MAIL FROM, null when none", (c, r) -> r.mailParams()),
            flag("null_sender", "`mail_from == \"<>\"` (also with parameters or odd spacing such as `MAIL FROM: <>`)",
                    (c, r) -> r.nullSender()),
            texts("rcpt_to", "every RCPT TO argument in order, up to `smtp.max_rcpt_per_transaction`. The RCPTs pipelined behind a refused MAIL are in that MAIL's line; a RCPT the server accepted outside any transaction gets a line of its own (`mail_from` null)", (c, r) -> r.rcptTo()),
            number("rcpt_accepted", "RCPT TOs answered 2xx", (c, r) -> r.rcptAccepted()),
            number("rcpt_rejected", "RCPT TOs answered 4xx–5xx", (c, r) -> r.rcptRejected()),
            number("rcpt_not_listed", "RCPT TOs beyond `smtp.max_rcpt_per_transaction`: counted, not listed (0 when all are listed)",
                    (c, r) -> r.rcptDropped()),
            text("message_status", "`accepted` / `rejected` / `aborted` / `none`, or `unknown`: the message was sent to its end on a client-only capture, and the server's verdict is not on it. A refused DATA does not end the transaction (RFC 5321 §4.1.1.4: the client may add a RCPT and try again); it is `rejected` if the transaction ends without another attempt. A refused MAIL's line is `aborted`", (c, r) -> r.messageStatus().label()),
            number("message_bytes", "message size as the server stores it (dot-stuffing removed); bodies are skipped, never kept",
                    (c, r) -> r.messageBytes()),
            text("last_reply", "the last server reply of the transaction, `code text`; for a refused MAIL, and for a refused DATA followed by RSET/QUIT/HELO, the refusal (the replies after it only follow from it)", (c, r) -> r.lastReply()),
            flag("tls", "the session went TLS (STARTTLS accepted, or implicit TLS on 465)", (c, r) -> r.tls()),
            flag("plaintext_after_starttls", "after the accepted STARTTLS the session went on readable: a decrypted capture, or a client that never started TLS (also reported as the `starttls_not_tls` anomaly). The facts after STARTTLS are then read from the wire",
                    (c, r) -> r.plaintextAfterStarttls()),
            flag("gaps", "data was missing in either direction while the transaction was open, or in the server's stream just before one of its replies: its facts may be incomplete",
                    (c, r) -> r.gaps()),
            flag("pairing_uncertain", "a hole in the server's stream could have held replies to this transaction's commands (it was at least 4 bytes, `250` and LF, or it cut a line whose code was not seen): the replies that followed were paired by position and code class (a 354 only answers DATA, a 250 never answers DATA or QUIT), a best guess for `rcpt_accepted`, `rcpt_rejected`, `message_status` and `last_reply`. A shorter hole between lines holds no reply and leaves this false",
                    (c, r) -> r.pairingUncertain()),
            text("client_by", "`syn` (the handshake decided who is the client) or `port` (picked up mid-stream: the side on an SMTP port is the server)",
                    (c, r) -> r.clientBy()),
            text("one_way", ONE_WAY_DOC, (c, r) -> r.oneWay()),
            texts("anomalies", "kinds of the anomalies (see `anomalies.jsonl`) raised on the connection since the previous line, in catalogue order: those before the first MAIL FROM are in the first line; each anomaly is in one line only",
                    (c, r) -> r.anomalies().stream().map(Anomaly::id).toList()),
            flag("counts_capped", "a limit made this line incomplete: `rcpt_to` stopped at `smtp.max_rcpt_per_transaction` (see `rcpt_not_listed`), or commands were given up at `smtp.max_pending_commands` (`pipeline_overflow`: the rcpt counts are lower bounds)",
                    (c, r) -> r.countsCapped()),
            text("proxy_tunnel", "the HTTP CONNECT / SOCKS4 / SOCKS5 tunnel the connection went through (`socks5 to host:port user u`; never a password), null when none",
                    (c, r) -> r.proxyTunnel()));

    private final JsonLineOutput out;
    private final String sensor;
    /** The line's timestamp, formatted in place (the writer is single-threaded). */
    private final char[] time = new char[PacketTime.ISO_MAX_LENGTH];
    /** Hashed once per line; the writer is single-threaded, so it owns its digest. */
    private final CommunityId communityId = new CommunityId(0);

    /** @param sensor {@code sensor.name}, written on every line */
    public TransactionLogWriter(RecordFile file, String sensor) {
        this.out = new JsonLineOutput(file, Forwarded.TRANSACTIONS, "the transaction log", 1024);
        this.sensor = java.util.Objects.requireNonNull(sensor, "sensor");
    }

    public void write(Connection c, TransactionRecord r) {
        out.write(6, g -> { // syslog severity 6, info
            for (Field f : FIELDS) {
                g.writeFieldName(f.name());
                f.value().write(g, this, c, r);
            }
        });
    }

    public long lines() { return out.lines(); }

    /** Every line also goes to {@code tap} (the stdout/syslog forwarders; never blocks). */
    public void forwardTo(LineTap tap) { out.forwardTo(tap); }

    /** Reopens the file by its path if a rotation asked for it (see {@link RecordFile#reopenIfRequested}). */
    public void reopenIfRequested() { out.reopenIfRequested(); }

    /** The README's field table (header included), generated from {@link #FIELDS}. */
    public static String readmeTable() {
        StringBuilder b = new StringBuilder("| field | meaning |\n|---|---|\n");
        for (Field f : FIELDS) b.append("| `").append(f.name()).append("` | ").append(f.doc()).append(" |\n");
        return b.toString();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
