package io.mailtap.smtp;

/**
 * What a paired reply does to its session: the per-command effects of a reply code (or of none,
 * code 0) on the events, the open transaction, the AUTH exchange and the client's mode. Which
 * reply answers which command is {@link ReplyPairing}'s and {@link SmtpSession}'s business; this
 * class starts once that is decided.
 *
 * <p>Stateless: it works on the session's own state, so it costs an idle session nothing and a
 * reply no allocation beyond the events it emits.
 */
final class ReplyEffects {
    private ReplyEffects() {}

    /** Applies a command's effects with its reply code (0: no reply will be seen). */
    static void complete(SmtpSession s, PendingCommand c, int code, long ts) {
        if (c.gap && s.txOpen()) s.tx.gaps = true;
        if (c.uncertain) {
            s.pairedUncertain = true;
            if (s.txOpen()) s.tx.pairingUncertain = true;
        }
        if (code > 0 && s.txOpen() && !s.tx.keepsVerdict(c)) s.tx.lastReply = SessionReports.replyLine(s);
        if (code >= 400) SessionReports.rejection(s, c.rejectionName(), code, ts);
        if (c.kind == PendingCommand.Kind.AUTH_RESPONSE) {
            AuthExchange.reply(s, code, ts);
            return;
        }
        if (c.kind == PendingCommand.Kind.END_OF_DATA) {
            messageResult(s, c, code, ts);
            return;
        }
        switch (c.verb) {
            case HELO: case EHLO: case LHLO:
                s.res.out.onEvent(new SmtpEvent.Helo(s.conn(), ts, c.verb.name(), c.argument, code));
                if (code < 400) {
                    s.helo = c.argument;
                    Transactions.end(s, MessageStatus.ABORTED, ts); // RFC 5321 4.1.4: an accepted EHLO/HELO resets
                }
                break;
            case AUTH:
                AuthExchange.reply(s, code, ts);
                break;
            case MAIL:
                mail(s, c, code, ts);
                break;
            case RCPT:
                rcpt(s, c, code, ts);
                break;
            case DATA:
                data(s, c, code, ts);
                break;
            case BDAT:
                bdat(s, c, code, ts);
                break;
            case RSET: case QUIT:
                if (code < 400) Transactions.end(s, MessageStatus.ABORTED, ts);
                break;
            case STARTTLS:
                s.res.out.onEvent(new SmtpEvent.StartTls(s.conn(), ts, code == 220, code));
                if (code == 220) startTls(s, ts);
                else if (s.oneWay == SmtpSession.CLIENT_ONLY) s.tlsFollowsOrNot();
                break;
            default:
                break;
        }
    }

    private static void mail(SmtpSession s, PendingCommand c, int code, long ts) {
        s.res.out.onEvent(new SmtpEvent.MailFrom(s.conn(), ts, c.argument, c.params, c.nullSender, code, SessionReports.replyText(s, code),
                s.helo, s.authenticatedUser(), s.tls));
        // A nested MAIL answered 503 changes nothing (RFC 5321 3.3): the open transaction goes on.
        if (s.txOpen() && code >= 400 && !s.tx.mailRefused) return;
        Transactions.end(s, MessageStatus.ABORTED, ts); // an accepted MAIL while one was open: that one was abandoned
        Transactions.open(s, c);
        s.tx.mailFrom = c.argument;
        s.tx.mailParams = c.params;
        s.tx.nullSender = c.nullSender;
        s.tx.lastReply = code > 0 ? SessionReports.replyLine(s) : null;
        // A refused MAIL opens no transaction on the server, but the RCPTs and DATA the client
        // pipelined behind it are its attempt: its line takes them, until the next MAIL, RSET, HELO or QUIT.
        if (code >= 400) s.tx.mailRefused = true;
    }

    private static void rcpt(SmtpSession s, PendingCommand c, int code, long ts) {
        s.res.out.onEvent(new SmtpEvent.Rcpt(s.conn(), ts, c.argument, c.params, code, SessionReports.replyText(s, code),
                s.txOpen() && !s.tx.mailRefused ? s.tx.mailFrom : null, s.helo, s.authenticatedUser(), s.tls));
        boolean accepted = code >= 200 && code < 300;
        if (accepted) s.res.stats.inc(SmtpCounter.RCPT_ACCEPTED);
        else if (code >= 400) s.res.stats.inc(SmtpCounter.RCPT_REJECTED);
        // Refused recipients outside a transaction only matter for a connection that never sends
        // MAIL; one the server accepted is always in a line (a transaction without MAIL FROM).
        if (!s.txOpen() && s.transactions > 0) {
            if (!accepted) return;
            Transactions.open(s, c);
        }
        TransactionState t = s.tx();
        if (accepted) t.rcptAccepted++;
        else if (code >= 400) t.rcptRejected++;
        if (!t.addRcpt(c.argument)) s.res.stats.inc(SmtpCounter.RCPT_DROPPED);
    }

    private static void data(SmtpSession s, PendingCommand c, int code, long ts) {
        if (code >= 400) {
            dataRefused(s, c, ts);
            // RFC 5321 4.1.1.4: a refused DATA leaves the transaction as it was (the client may add
            // a RCPT and try again); if it ends here, its message was rejected.
            if (s.txOpen() && !s.tx.mailRefused) s.tx.dataRefused = true;
            return;
        }
        Transactions.ensure(s, c);
        s.tx.dataRefused = false;
    }

    /**
     * The server refused DATA, so it read every line the client sent after it as a command and
     * answered each: those answers are absorbed so later replies pair with later commands.
     */
    private static void dataRefused(SmtpSession s, PendingCommand c, long ts) {
        long lines;
        if (s.client == SmtpSession.Mode.BODY && s.bodyData == c) {
            lines = s.body.lines();
            if (!s.body.atLineStart()) {
                lines++;
                s.clientLines().discardRestOfLine();
            }
            s.bodyData = null;
            s.client = SmtpSession.Mode.LINES;
        } else {
            PendingCommand next = s.peekPending();
            if (next == null || next.kind != PendingCommand.Kind.END_OF_DATA || next.dataCommand != c) return;
            s.pollPending();
            lines = next.lines;
        }
        if (lines > 0) {
            if (s.pending == null) s.pending = s.res.queues.take();
            s.pending.owe(lines);
            SessionReports.anomaly(s, Anomaly.DATA_REFUSED_AFTER_TEXT, "DATA refused after " + lines + " lines of message text were sent", ts);
        }
    }

    private static void messageResult(SmtpSession s, PendingCommand eod, int code, long ts) {
        Transactions.ensure(s, eod);
        s.tx.messageBytes += eod.bytes;
        if (code > 0) s.tx.lastReply = SessionReports.replyLine(s);
        Transactions.end(s, code == 0 ? OneWayCapture.unanswered(s) : code < 400 ? MessageStatus.ACCEPTED : MessageStatus.REJECTED, ts);
    }

    private static void bdat(SmtpSession s, PendingCommand c, int code, long ts) {
        if (c.bdatBadSize) return; // a syntax error changes nothing on the server
        if (c == s.chunkOf) { // answered (or given up on) while its chunk is still arriving
            s.chunkOf = null;
            s.chunkAfterReply = true;
        }
        if (code >= 400) {
            if (s.txOpen()) {
                s.tx.messageBytes += c.bytes;
                // behind a refused MAIL the chunk was never part of a transaction: the line stays as it is
                if (!s.tx.mailRefused) Transactions.end(s, MessageStatus.REJECTED, ts);
            }
            return;
        }
        Transactions.ensure(s, c);
        s.tx.messageBytes += c.bytes;
        if (c.bdatLast) Transactions.end(s, code == 0 ? OneWayCapture.unanswered(s) : MessageStatus.ACCEPTED, ts);
    }

    private static void startTls(SmtpSession s, long ts) {
        s.res.stats.inc(SmtpCounter.STARTTLS_ACCEPTED);
        Transactions.end(s, MessageStatus.ABORTED, ts); // RFC 3207: the server forgets everything from before
        if (s.pendingCount() > 0) {
            // Commands pipelined after STARTTLS in plaintext (the CVE-2011-0411 injection pattern).
            SessionReports.anomaly(s, Anomaly.PIPELINED_AFTER_STARTTLS, s.pendingCount() + " commands sent after STARTTLS", ts);
            ReplyDispatch.flush(s, ts);
        }
        s.tlsAccepted();
    }
}
