package io.mailtap.smtp;

import java.util.ArrayList;
import java.util.List;

/** Collects one transaction's facts as its commands are answered; reused for every transaction. */
final class TransactionBuilder {
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

    TransactionBuilder(int maxRcpt) {
        this.maxRcpt = Math.max(0, maxRcpt);
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
