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
 * @param tls            STARTTLS was accepted (or the session is implicit TLS)
 * @param plaintextAfterStarttls after the accepted STARTTLS the conversation went on readable (a
 *                       decrypted capture, or a client that never started TLS): the facts after it
 *                       are from the wire, not guessed
 * @param gaps           data was missing in either direction while this transaction was open, or
 *                       in the server's replies just before one of its replies
 * @param pairingUncertain a hole in the server's replies may have held replies of this
 *                       transaction's commands: reply-derived facts (rcpt_accepted/rejected,
 *                       message_status, last_reply) are paired by position and reply code, a best guess
 * @param oneWay         "client_only" or "server_only" when the capture holds one direction of the
 *                       connection only (one-way mirror); null when both directions were seen
 * @param authResultInferred {@code authResult} was not read from a reply but inferred from the
 *                       client's next commands (one-way capture)
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
        boolean plaintextAfterStarttls,
        boolean gaps,
        boolean pairingUncertain,
        String clientBy,
        String oneWay,
        boolean authResultInferred,
        List<Anomaly> anomalies,
        boolean countsCapped,
        String proxyTunnel) {
}
