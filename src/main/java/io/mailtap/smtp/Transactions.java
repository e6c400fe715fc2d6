package io.mailtap.smtp;

/**
 * When a session's transactions open and close, and the record each one becomes: the first is
 * dated from the connection's start, each later one from its MAIL; a record carries the
 * connection's facts (TLS, one-way, proxy tunnel) and the anomalies raised since the previous
 * record. The facts of one transaction are {@link TransactionState}'s.
 *
 * <p>Stateless: it works on the session's own state.
 */
final class Transactions {
    private Transactions() {}

    /** Opens the next transaction, for its command {@code c}. */
    static void open(SmtpSession s, PendingCommand c) {
        s.transactions++;
        s.tx().open(s.transactions == 1 ? s.conn().startMicros() : c.tsMicros, s.helo, s.auth, c.gap, c.uncertain);
    }

    /** A message without MAIL FROM (DATA/BDAT accepted anyway) still gets a record. */
    static void ensure(SmtpSession s, PendingCommand c) {
        if (!s.txOpen()) open(s, c);
    }

    /** Closes the open transaction (if any) with {@code status} and emits its record. */
    static void end(SmtpSession s, MessageStatus status, long ts) {
        if (!s.txOpen()) return;
        emit(s, s.transactions, s.tx.close(status), ts);
        s.tx.reset();
    }

    /** Emits the record of the transaction state as it is, numbered {@code depth}. */
    static void emit(SmtpSession s, int depth, MessageStatus status, long ts) {
        s.res.stats.inc(SmtpCounter.TRANSACTIONS);
        TransactionRecord r = s.tx.build(depth, status, s.tls, s.plaintextAfterStarttls, s.conn().clientBy().label(), s.oneWay,
                Anomaly.of(s.anomaliesForRecord), s.proxyTunnel);
        s.anomaliesForRecord = 0; // each anomaly is named by the one record it precedes or falls in
        s.res.out.onEvent(new SmtpEvent.Transaction(s.conn(), ts, r));
    }
}
