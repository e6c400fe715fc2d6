package io.mailtap.corpus;

import io.mailtap.flow.Connection;
import io.mailtap.smtp.SmtpEvent;
import io.mailtap.smtp.SmtpEventListener;
import io.mailtap.smtp.TransactionRecord;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What mailtap reported per TCP connection (by 4-tuple, port reuse merged), collected from its events. */
final class Observed implements SmtpEventListener {
    static final class Session {
        Connection conn;
        final List<String> helos = new ArrayList<>();
        final List<String> mailFroms = new ArrayList<>();
        int nullSenders;
        final List<String> rcpts = new ArrayList<>();
        final List<String> authMechs = new ArrayList<>();
        final List<String> authUsers = new ArrayList<>();
        boolean starttlsIssued;
        boolean starttlsAccepted;
        final List<TransactionRecord> transactions = new ArrayList<>();
        final List<String> anomalies = new ArrayList<>();
    }

    final Map<String, Session> byTuple = new LinkedHashMap<>();
    final List<SmtpEvent> all = new ArrayList<>();

    static String tuple(String clientIp, int clientPort, String serverIp, int serverPort) {
        return clientIp + "|" + clientPort + "|" + serverIp + "|" + serverPort;
    }

    private Session session(Connection c) {
        Session s = byTuple.computeIfAbsent(
                tuple(c.clientIpText(), c.clientPort(), c.serverIpText(), c.serverPort()), k -> new Session());
        s.conn = c;
        return s;
    }

    @Override
    public void onEvent(SmtpEvent e) {
        all.add(e);
        Session s = session(e.conn());
        if (e instanceof SmtpEvent.Helo h) {
            s.helos.add(h.argument());
        } else if (e instanceof SmtpEvent.MailFrom m) {
            s.mailFroms.add(m.argument());
            if (m.nullSender()) s.nullSenders++;
        } else if (e instanceof SmtpEvent.Rcpt r) {
            s.rcpts.add(r.argument());
        } else if (e instanceof SmtpEvent.Auth a) {
            s.authMechs.add(a.mechanism());
            s.authUsers.add(a.user());
        } else if (e instanceof SmtpEvent.StartTls t) {
            s.starttlsIssued = true;
            s.starttlsAccepted |= t.accepted();
        } else if (e instanceof SmtpEvent.Transaction t) {
            s.transactions.add(t.record());
        } else if (e instanceof SmtpEvent.Anomaly a) {
            s.anomalies.add(a.kind().id());
        }
    }
}
