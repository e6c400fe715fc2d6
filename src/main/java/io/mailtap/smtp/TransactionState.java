package io.mailtap.smtp;

import java.util.ArrayList;
import java.util.List;

/**
 * The open transaction of a session: opened by an accepted MAIL (or a message without one),
 * collecting its facts as its commands are answered, closed with the message's fate and built into
 * its {@link TransactionRecord}. Before any MAIL it holds what the connection's own record lists
 * (refused recipients, the last reply). Pooled: a session borrows one while a transaction is open.
 */
final class TransactionState {
    private final int maxRcpt;

    boolean open;
    long tsMicros;
    String helo, authMech, authUser, authzid, authResult;
    String mailFrom, mailParams;
    boolean nullSender;
    private final List<String> rcpt = new ArrayList<>();
    int rcptAccepted, rcptRejected, rcptDropped;
    long messageBytes;
    String lastReply;
    boolean gaps;
    boolean authResultInferred;
    /** Replies may be paired with the wrong commands (a hole in the server stream could hold lost replies). */
    boolean pairingUncertain;
    /**
     * The line of a MAIL the server refused: the RCPTs and DATA pipelined behind it are listed and
     * counted here, and its reply stays the line's last_reply (theirs only follow from it).
     */
    boolean mailRefused;
    /** DATA was refused and no later DATA accepted: if the transaction ends now, its message was rejected. */
    boolean dataRefused;

    TransactionState(int maxRcpt) {
        this.maxRcpt = Math.max(0, maxRcpt);
    }

    /** Opens a transaction dated {@code tsMicros} (its command's time, or the connection's start for the first). */
    void open(long tsMicros, String helo, AuthTracker auth, boolean gap, boolean uncertain) {
        reset();
        open = true;
        this.tsMicros = tsMicros;
        this.helo = helo;
        authFrom(auth);
        gaps = gap;
        pairingUncertain = uncertain;
    }

    /**
     * The record of a connection that never reached MAIL FROM, dated from its start; the
     * recipients it may hold (refused outside a transaction) stay.
     */
    void connectionOnly(long startMicros, String helo, AuthTracker auth, String lastReply, boolean gaps, boolean uncertain) {
        tsMicros = startMicros;
        this.helo = helo;
        authFrom(auth);
        this.lastReply = lastReply;
        this.gaps = gaps;
        pairingUncertain = uncertain;
    }

    /** What the last AUTH exchange established, as a record lists it (nothing without AUTH). */
    private void authFrom(AuthTracker auth) {
        if (auth == null) return; // reset or fresh: no AUTH, nothing to list
        authMech = auth.lastMech;
        authUser = auth.lastUser;
        authzid = auth.lastAuthzid;
        authResult = auth.lastResult == null ? null : auth.lastResult.name().toLowerCase(java.util.Locale.ROOT);
        authResultInferred = auth.lastInferred;
    }

    /** Closes it; returns the status its record gets: one abandoned after a refused DATA was rejected. */
    MessageStatus close(MessageStatus status) {
        open = false;
        return status == MessageStatus.ABORTED && dataRefused ? MessageStatus.REJECTED : status;
    }

    void reset() {
        open = false;
        tsMicros = 0;
        helo = authMech = authUser = authzid = authResult = null;
        mailFrom = mailParams = null;
        nullSender = false;
        rcpt.clear();
        rcptAccepted = rcptRejected = rcptDropped = 0;
        messageBytes = 0;
        lastReply = null;
        gaps = false;
        authResultInferred = false;
        pairingUncertain = mailRefused = dataRefused = false;
    }

    /**
     * The refusal of a MAIL, or of a DATA the transaction ends after, stays its last_reply: the
     * "503 Need MAIL" of the RCPTs behind a refused MAIL, or the "250" of the RSET after a refused
     * DATA, would hide why the message went nowhere.
     */
    boolean keepsVerdict(PendingCommand c) {
        if (mailRefused) return true;
        if (!dataRefused || c.kind != PendingCommand.Kind.COMMAND) return false;
        switch (c.verb) {
            case RSET: case QUIT: case HELO: case EHLO: case LHLO: case STARTTLS: case MAIL: return true;
            default: return false;
        }
    }

    /** Lists the recipient unless the cap is reached; returns false when it was only counted. */
    boolean addRcpt(String argument) {
        if (rcpt.size() < maxRcpt) {
            rcpt.add(argument);
            return true;
        }
        rcptDropped++;
        return false;
    }

    /**
     * @param anomalies   the kinds raised since the previous record (see {@code SmtpSession})
     * @param proxyTunnel the connection's proxy tunnel description, or null
     */
    TransactionRecord build(int depth, MessageStatus finalStatus, boolean tls, boolean plaintextAfterStarttls,
                            String clientBy, String oneWay, List<Anomaly> anomalies, String proxyTunnel) {
        boolean countsCapped = rcptDropped > 0;
        for (Anomaly a : anomalies) countsCapped |= a.capsCounts();
        return new TransactionRecord(tsMicros, depth, helo, authMech, authUser, authzid, authResult,
                mailFrom, mailParams, nullSender, List.copyOf(rcpt), rcptAccepted, rcptRejected, rcptDropped,
                finalStatus, messageBytes, lastReply, tls, plaintextAfterStarttls, gaps, pairingUncertain, clientBy,
                oneWay, authResultInferred, anomalies, countsCapped, proxyTunnel);
    }
}
