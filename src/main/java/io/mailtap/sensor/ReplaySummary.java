package io.mailtap.sensor;

import io.mailtap.flow.ConnState;
import io.mailtap.smtp.SmtpEvent;
import io.mailtap.smtp.SmtpEventListener;
import io.mailtap.smtp.TransactionRecord;
import io.mailtap.flow.Connection;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Tallies a replay for the human summary and keeps the first transactions for printing; the
 * complete record is smtp.jsonl, so this holds a bounded sample only.
 */
public final class ReplaySummary implements SmtpEventListener {
    /** One transaction as printed: its connection and record. */
    public record Line(Connection conn, TransactionRecord record) {}

    private final int keep;
    private final List<Line> lines = new ArrayList<>();
    private long connections, attemptedOnly, established, transactions, mailFrom, nullSender, rcpt, auth, authFailed, tls,
            rejections, anomalies, notShown, clientOnly, serverOnly, authInferred;

    public ReplaySummary(int keep) {
        this.keep = keep;
    }

    @Override
    public void onEvent(SmtpEvent e) {
        if (e instanceof SmtpEvent.ConnectionEnd end) {
            connections++;
            if (end.finalState() == ConnState.ATTEMPTED || end.finalState() == ConnState.REJECTED) attemptedOnly++;
            if (end.tls()) tls++;
            if ("client_only".equals(end.oneWay())) clientOnly++;
            else if ("server_only".equals(end.oneWay())) serverOnly++;
        } else if (e instanceof SmtpEvent.ConnectionEstablished) {
            established++;
        } else if (e instanceof SmtpEvent.Transaction t) {
            transactions++;
            if (lines.size() < keep) lines.add(new Line(t.conn(), t.record()));
            else notShown++;
        } else if (e instanceof SmtpEvent.MailFrom m) {
            mailFrom++;
            if (m.nullSender()) nullSender++;
        } else if (e instanceof SmtpEvent.Rcpt) {
            rcpt++;
        } else if (e instanceof SmtpEvent.Auth a) {
            auth++;
            if (a.result() == SmtpEvent.AuthResult.FAILURE) authFailed++;
            if (a.inferred()) authInferred++;
        } else if (e instanceof SmtpEvent.Rejection) {
            rejections++;
        } else if (e instanceof SmtpEvent.Anomaly) {
            anomalies++;
        }
    }

    public List<Line> lines() { return Collections.unmodifiableList(lines); }
    public long notShown() { return notShown; }
    public long connections() { return connections; }
    public long attemptedOnly() { return attemptedOnly; }
    public long established() { return established; }
    public long transactions() { return transactions; }
    public long mailFrom() { return mailFrom; }
    public long nullSender() { return nullSender; }
    public long rcpt() { return rcpt; }
    public long auth() { return auth; }
    public long authFailed() { return authFailed; }
    public long tls() { return tls; }
    public long rejections() { return rejections; }
    public long anomalies() { return anomalies; }
    /** Connections of which only the client's bytes were captured (one-way mirror). */
    public long clientOnly() { return clientOnly; }
    /** Connections of which only the server's bytes were captured. */
    public long serverOnly() { return serverOnly; }
    /** AUTH results inferred from the client's next commands (no reply captured). */
    public long authInferred() { return authInferred; }
}
