package io.mailtap.detect;

import io.mailtap.flow.ClientBy;
import io.mailtap.flow.ConnState;
import io.mailtap.flow.Connection;
import io.mailtap.flow.EndReason;
import io.mailtap.smtp.MessageStatus;
import io.mailtap.smtp.SmtpEvent;
import io.mailtap.smtp.SmtpEvent.AuthResult;
import io.mailtap.smtp.SmtpEventListener;
import io.mailtap.smtp.TransactionRecord;
import io.mailtap.testutil.TestConnections;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds SMTP event sequences by hand, as the analyzer would emit them, with a packet clock: each
 * event advances time by {@link #STEP} unless told otherwise. Events go straight to a listener.
 */
public final class SmtpScript {
    public static final long STEP = 1_000; // 1 ms between events of a session
    public static final long T0 = TestConnections.T0;

    private final SmtpEventListener out;
    private long now = T0;
    private int uidSeq;
    private int ephemeral = 40_000;

    public SmtpScript(SmtpEventListener out) {
        this.out = out;
    }

    public long now() { return now; }

    /** Moves the packet clock forward. */
    public SmtpScript advance(long micros) {
        now += micros;
        return this;
    }

    public SmtpScript advanceSeconds(double s) {
        return advance((long) (s * 1_000_000L));
    }

    public static InetAddress ip(String text) {
        return TestConnections.ip(text);
    }

    public Connection conn(String client, int clientPort, String server, int serverPort, ClientBy by) {
        return TestConnections.of("C" + (++uidSeq) + "t" + Long.toString(now, 36), now, client, clientPort, server, serverPort, by);
    }

    /** A new connection from an ephemeral port, direction by SYN. */
    public Session session(String client, String server, int serverPort) {
        return new Session(conn(client, ++ephemeral, server, serverPort, ClientBy.SYN));
    }

    /** A connection picked up mid-stream (direction decided by port). */
    public Session midStream(String client, String server, int serverPort) {
        return new Session(conn(client, ++ephemeral, server, serverPort, ClientBy.PORT));
    }

    /** One SMTP session; methods emit events in wire order and keep the session context. */
    public final class Session {
        public final Connection c;
        private String helo, authUser, authMech, authResult, mailFrom;
        private boolean nullSender, smtpSeen, tls;
        private final List<String> rcpts = new ArrayList<>();
        private int accepted, rejected, depth;
        private long transStart;

        Session(Connection c) {
            this.c = c;
        }

        private long tick() {
            now += STEP;
            return now;
        }

        private Session emit(SmtpEvent e) {
            out.onEvent(e);
            return this;
        }

        public Session syn() { return emit(new SmtpEvent.ConnectionAttempt(c, tick())); }

        public Session established() { return emit(new SmtpEvent.ConnectionEstablished(c, tick(), c.clientBy() == ClientBy.SYN)); }

        /** SYN, handshake and a 220 greeting. */
        public Session open() { return syn().established().greeting(220, "mx.remote.example ESMTP ready"); }

        public Session greeting(int code, String text) {
            smtpSeen = true;
            transStart = now;
            emit(new SmtpEvent.Greeting(c, tick(), code, text));
            if (code >= 400) emit(new SmtpEvent.Rejection(c, now, "GREETING", code, text));
            return this;
        }

        public Session ehlo(String arg) { return helo("EHLO", arg, 250); }

        public Session helo(String verb, String arg, int code) {
            helo = arg;
            return emit(new SmtpEvent.Helo(c, tick(), verb, arg, code));
        }

        public Session auth(String user, AuthResult result) {
            return auth("LOGIN", user, null, result);
        }

        public Session auth(String mech, String user, String authzid, AuthResult result) {
            int code = result == AuthResult.SUCCESS ? 235 : 535;
            emit(new SmtpEvent.Auth(c, tick(), mech, user, authzid, result, code, false));
            if (result == AuthResult.SUCCESS) {
                authUser = user;
                authMech = mech;
                authResult = "success";
            } else {
                emit(new SmtpEvent.Rejection(c, now, "AUTH", 535, "5.7.8 Authentication credentials invalid"));
                authResult = "failure";
            }
            return this;
        }

        public Session mailFrom(String path) { return mailFrom(path, 250, "2.1.0 Ok"); }

        public Session mailFrom(String path, int code, String text) {
            mailFrom = path;
            nullSender = path.equals("<>");
            rcpts.clear();
            accepted = rejected = 0;
            depth++;
            transStart = now;
            emit(new SmtpEvent.MailFrom(c, tick(), path, null, nullSender, code, text, helo, authUser, tls));
            if (code >= 400) emit(new SmtpEvent.Rejection(c, now, "MAIL", code, text));
            return this;
        }

        public Session rcpt(String path) { return rcpt(path, 250, "2.1.5 Ok"); }

        public Session rcpt(String path, int code, String text) {
            rcpts.add(path);
            if (code < 400) accepted++;
            else rejected++;
            emit(new SmtpEvent.Rcpt(c, tick(), path, null, code, text, mailFrom, helo, authUser, tls));
            if (code >= 400) emit(new SmtpEvent.Rejection(c, now, "RCPT", code, text));
            return this;
        }

        /** DATA, 354, body, 250: the transaction record. */
        public Session data() { return data(250, "2.0.0 Ok: queued as 4F2A1"); }

        public Session data(int code, String text) {
            tick();
            if (code >= 400) emit(new SmtpEvent.Rejection(c, now, "MESSAGE", code, text));
            TransactionRecord r = new TransactionRecord(transStart, depth, helo, authMech, authUser, null, authResult,
                    mailFrom, null, nullSender, List.copyOf(rcpts), accepted, rejected, 0,
                    code < 400 ? MessageStatus.ACCEPTED : MessageStatus.REJECTED, 1234, code + " " + text, tls, false, false, false,
                    c.clientBy().label(), null, false, List.of(), false, null);
            mailFrom = null;
            return emit(new SmtpEvent.Transaction(c, now, r));
        }

        /** A refusal by the server of {@code command} (4xx/5xx) with its text. */
        public Session reject(String command, int code, String text) {
            return emit(new SmtpEvent.Rejection(c, tick(), command, code, text));
        }

        /** One complete message: MAIL FROM, RCPT TOs, DATA. */
        public Session send(String from, String... to) {
            mailFrom(from);
            for (String t : to) rcpt(t);
            return data();
        }

        public Session quit() { return end(ConnState.CLOSED, EndReason.FIN, false); }

        public Session end(ConnState state, EndReason reason, boolean gaps) {
            return emit(new SmtpEvent.ConnectionEnd(c, tick(), state, reason, smtpSeen, tls, gaps, null));
        }

        /** Nobody answered the SYNs: the flow times out as an attempt. */
        public Session unanswered() {
            syn();
            now += 30_000_000L;
            return end(ConnState.ATTEMPTED, EndReason.TIMEOUT, false);
        }
    }
}
