package io.mailtap.smtp;

import io.mailtap.flow.ConnState;
import io.mailtap.flow.Connection;
import io.mailtap.flow.EndReason;

/**
 * Typed facts the SMTP analyzer emits, in packet order, for the detectors and the logs. The
 * analyzer only states what was said on the wire; it never judges it (that is {@code detect}'s job).
 * Every event names its connection and its packet time. Strings are as sent (decoded as UTF-8 with
 * invalid bytes replaced) and capped at the configured line length; writers escape control
 * characters, the events do not.
 *
 * <p>Commands are reported when their reply is paired ({@code replyCode} &gt; 0), or at the end of
 * the connection with {@code replyCode == 0} when no reply was seen (one-sided capture, gap).
 */
public sealed interface SmtpEvent {
    Connection conn();
    long tsMicros();

    /** The client's first SYN. */
    record ConnectionAttempt(Connection conn, long tsMicros) implements SmtpEvent {}

    /** The handshake completed (or the connection was picked up mid-stream). */
    record ConnectionEstablished(Connection conn, long tsMicros, boolean handshakeSeen) implements SmtpEvent {}

    /**
     * The flow ended. {@code finalState} tells whether it was ever more than an attempt;
     * {@code smtpSeen} whether any SMTP was decoded on it; {@code oneWay} whether only one
     * direction's bytes were seen ({@link TransactionRecord#oneWay}), null when both or neither.
     */
    record ConnectionEnd(Connection conn, long tsMicros, ConnState finalState, EndReason reason,
                         boolean smtpSeen, boolean tls, boolean gaps, String oneWay) implements SmtpEvent {}

    /** The server's greeting (first reply). */
    record Greeting(Connection conn, long tsMicros, int code, String text) implements SmtpEvent {}

    /** HELO/EHLO/LHLO with its argument (empty when bare). */
    record Helo(Connection conn, long tsMicros, String verb, String argument, int replyCode) implements SmtpEvent {}

    /**
     * An AUTH exchange finished. {@code user} is the authentication identity (PLAIN authcid, LOGIN
     * username, CRAM-MD5 user) or null when the mechanism does not reveal one; {@code authzid} the
     * PLAIN authorization identity if one was given. The password is never captured.
     * {@code mechanism} is a known SASL name or {@code "unknown"}. {@code inferred}: the final reply
     * was not seen (one-way capture) and {@code result} follows from what the client did next (MAIL
     * FROM: SUCCESS; a new AUTH or a cancel: FAILURE); {@code replyCode} is then 0.
     */
    record Auth(Connection conn, long tsMicros, String mechanism, String user, String authzid,
                AuthResult result, int replyCode, boolean inferred) implements SmtpEvent {}

    /**
     * MAIL FROM. {@code argument} is the reverse-path exactly as sent after "FROM:" with leading
     * blanks removed and ESMTP parameters split off ({@code "<>"}, {@code "<a@b>"} or {@code "a@b"}).
     * {@code helo} and {@code authUser} are the session's context at the time (null if none).
     */
    record MailFrom(Connection conn, long tsMicros, String argument, String params, boolean nullSender,
                    int replyCode, String replyText, String helo, String authUser, boolean tls) implements SmtpEvent {}

    /** RCPT TO, with the same context as {@link MailFrom}. */
    record Rcpt(Connection conn, long tsMicros, String argument, String params, int replyCode, String replyText,
                String mailFrom, String helo, String authUser, boolean tls) implements SmtpEvent {}

    /** STARTTLS answered; when accepted the rest of the connection is opaque. */
    record StartTls(Connection conn, long tsMicros, boolean accepted, int replyCode) implements SmtpEvent {}

    /**
     * The server refused something (4xx/5xx): the greeting, HELO, AUTH, MAIL, RCPT, DATA/BDAT,
     * the message itself, or any other command. {@code command} is the upper-case verb, or
     * "GREETING", or "MESSAGE" for the reply after the end of data.
     */
    record Rejection(Connection conn, long tsMicros, String command, int code, String text) implements SmtpEvent {}

    /** One mail transaction (or a connection that never reached MAIL FROM) is complete. */
    record Transaction(Connection conn, long tsMicros, TransactionRecord record) implements SmtpEvent {}

    /**
     * Something on the wire that is not SMTP as the RFCs describe it (Zeek's "weird"):
     * {@code kind} is one of the catalogue {@link io.mailtap.smtp.Anomaly}; {@code detail} a short,
     * capped description.
     */
    record Anomaly(Connection conn, long tsMicros, io.mailtap.smtp.Anomaly kind, String detail) implements SmtpEvent {}

    enum AuthResult { SUCCESS, FAILURE, UNKNOWN }
}
