package io.mailtap.smtp;

import java.util.List;

/**
 * One line of {@code smtp.jsonl}: a mail transaction from MAIL FROM to the end of its message or
 * its abort, or a connection that never reached MAIL FROM. Field names are the log's schema
 * (snake_case in JSON, see {@code io.mailtap.cli.TransactionLogWriter}); the README documents them.
 *
 * @param tsMicros       packet time of the transaction's first packet (the connection's first
 *                       packet for the first transaction, the MAIL FROM for later ones)
 * @param transDepth     1-based number of this transaction within its connection (like Zeek)
 * @param mailFrom       reverse-path as sent ({@code "<>"} for the null sender), null when none
 * @param rcptTo         every RCPT TO argument in order, up to the configured cap
 * @param rcptAccepted   RCPT TOs answered 2xx
 * @param rcptRejected   RCPT TOs answered 4xx/5xx
 * @param rcptDropped    RCPT TOs beyond the per-transaction cap (counted, not listed)
 * @param lastReply      last server reply of the transaction, "code text", capped
 * @param gaps           data was missing in either direction while this transaction was open
 * @param anomalies      anomaly kinds raised on the connection since the previous record (so
 *                       those before the first MAIL land in the first record), in catalogue order
 * @param countsCapped   a limit made the record incomplete: {@code rcpt_to} was capped, or an
 *                       anomaly that {@link Anomaly#capsCounts() caps counts} occurred (the counts
 *                       are then lower bounds)
 * @param proxyTunnel    the HTTP CONNECT / SOCKS tunnel the connection went through (target and
 *                       proxy user, never a password), or null
 */
public record TransactionRecord(
        long tsMicros,
        int transDepth,
        String helo,
        String authMech,
        String authUser,
        String authzid,
        String authResult,
        String mailFrom,
        String mailParams,
        boolean nullSender,
        List<String> rcptTo,
        int rcptAccepted,
        int rcptRejected,
        int rcptDropped,
        MessageStatus messageStatus,
        long messageBytes,
        String lastReply,
        boolean tls,
        boolean gaps,
        String clientBy,
        List<Anomaly> anomalies,
        boolean countsCapped,
        String proxyTunnel) {
}
