package io.mailtap.smtp;

/**
 * Which waiting command a complete reply answers, and queueing commands for their replies. The
 * first reply is the greeting (or, picked up mid-stream, may not be); replies owed to lines the
 * server read as commands are absorbed; a reply that shows the oldest commands got none skips
 * them; a reply to nothing is the server's early verdict during DATA text, a 354 starting text we
 * did not see announced, or an unpaired reply (and, with no client byte ever, a server-only
 * capture). The queue and its rules are {@link ReplyPairing}'s, the effects of each pairing
 * {@link ReplyEffects}'.
 *
 * <p>How the two directions are kept in step (RFC 2920 PIPELINING): every client command is queued
 * when it is read; every complete reply is paired with the oldest queued command, and the effects
 * of a command (events, transaction boundaries) are applied at that moment, so they happen in
 * command order even when a client sends a whole transaction in one segment. The first reply is
 * the greeting, even if the client spoke first (early talkers, PIPE_CONNECT).
 *
 * <p>Stateless: it works on the session's own state.
 */
final class ReplyDispatch {
    private ReplyDispatch() {}

    /** The reply now complete in the session's assembler: pairs it and applies what it answers. */
    static void reply(SmtpSession s, long ts) {
        int code = s.replies.code();
        boolean afterHole = s.replyAfterHole;
        s.replyAfterHole = false;
        s.res.stats.countReply(code);
        s.smtpSeen = true;
        s.res.replyLine = null;
        if (s.transactions == 0) s.lastReply = SessionReports.replyLine(s); // only a connection without MAIL needs it
        if (!s.greetingSeen) {
            s.greetingSeen = true;
            boolean greetingCode = code == 220 || code == 421 || code == 554;
            boolean noneWaiting = s.pendingCount() == 0;
            boolean isGreeting = s.pickedUpMidStream() ? noneWaiting && greetingCode : noneWaiting || greetingCode;
            if (isGreeting) {
                s.res.out.onEvent(new SmtpEvent.Greeting(s.conn(), ts, code, s.replies.text()));
                if (code >= 400) SessionReports.rejection(s, "GREETING", code, ts);
                return;
            }
            if (!s.pickedUpMidStream()) SessionReports.anomaly(s, Anomaly.NO_GREETING, "first reply " + code + " answers a command", ts);
        }
        if (s.pending != null && s.pending.absorbs()) {
            s.res.stats.inc(SmtpCounter.UNPAIRED_REPLIES);
            return;
        }
        int skip = s.pending == null ? 0 : s.pending.answeredIndex(code);
        if (skip < 0) {
            // After a hole no waiting command can take this code: it answers a command lost to us.
            s.res.stats.inc(SmtpCounter.UNPAIRED_REPLIES);
            return;
        }
        if (skip > 0) skipUnanswered(s, skip, code, ts);
        PendingCommand c = s.pollPending();
        if (c == null) {
            replyToNothing(s, code, ts);
            return;
        }
        if (c.verb != SmtpVerb.UNKNOWN || c.kind != PendingCommand.Kind.COMMAND) s.exchangeSeen = true;
        if (afterHole) c.gap = true; // bytes just before its reply are missing
        ReplyEffects.complete(s, c, code, ts);
        if (s.pendingCount() == 0 && s.pending != null) s.pending.settled(); // every command that could have lost its reply is paired
    }

    /** The {@code n} oldest commands got no reply before this one ({@link ReplyPairing#answeredIndex}). */
    private static void skipUnanswered(SmtpSession s, int n, int code, long ts) {
        for (int k = 0; k < n; k++) {
            PendingCommand c = s.pending.poll();
            if (c.uncertain) s.res.stats.inc(SmtpCounter.GAP_UNPAIRED);
            ReplyEffects.complete(s, c, 0, ts);
        }
        SessionReports.anomaly(s, Anomaly.REPLY_SKIPPED_COMMANDS, n + " commands got no reply before this " + code, ts);
    }

    /** A reply while no command waits: during DATA text it is the server giving its verdict early. */
    private static void replyToNothing(SmtpSession s, int code, long ts) {
        if (s.client == SmtpSession.Mode.BODY && !s.bodyVerdictGiven) {
            SessionReports.anomaly(s, Anomaly.REPLY_DURING_DATA, "reply " + code + " before the end of the message", ts);
            if (code >= 400) SessionReports.rejection(s, "MESSAGE", code, ts);
            if (s.txOpen()) {
                s.tx.messageBytes += s.body.bytes();
                s.tx.lastReply = SessionReports.replyLine(s);
                Transactions.end(s, code < 400 ? MessageStatus.ACCEPTED : MessageStatus.REJECTED, ts);
            }
            s.bodyVerdictGiven = true;
            s.bodyData = null;
            if (s.bodyGap) {
                // The "." was lost in the gap and the server has moved on: so do we.
                s.client = SmtpSession.Mode.LINES;
                s.clientLines().discardRestOfLine();
            }
            return;
        }
        if (code == 354 && s.plain(true) && s.client == SmtpSession.Mode.LINES) {
            // The server is reading message text now, whatever we thought the client had sent.
            SessionReports.anomaly(s, Anomaly.UNEXPECTED_354, "354 without a DATA command", ts);
            s.startBody(null);
            return;
        }
        s.res.stats.inc(SmtpCounter.UNPAIRED_REPLIES);
        if (!s.clientHeard() && s.oneWay == null) OneWayCapture.serverOnly(s, ts);
        if (s.oneWay != SmtpSession.SERVER_ONLY && SessionReports.reportable(s, Anomaly.UNPAIRED_REPLY)) SessionReports.anomaly(s, Anomaly.UNPAIRED_REPLY, "reply " + code + " with no command waiting", ts);
        if (code >= 400) SessionReports.rejection(s, "UNKNOWN", code, ts);
    }

    /** Queues a client command for its reply (client-only: applies it at once, no reply will come). */
    static void enqueue(SmtpSession s, PendingCommand c, long ts) {
        if (s.oneWay == SmtpSession.CLIENT_ONLY) {
            ReplyEffects.complete(s, c, 0, ts); // no reply will come: the line takes effect now
            return;
        }
        if (!s.serverHeard() && !s.awaitedUnseen && c.mustAwaitReply()) {
            s.awaitedUnseen = true;
            s.awaitedTs = c.tsMicros;
        }
        if (s.pending == null) s.pending = s.res.queues.take();
        PendingCommand oldest = s.pending.overflow(s.res.settings.maxPendingCommands());
        if (oldest != null) {
            // Gave up on the oldest: report it unanswered; its reply passes unpaired.
            s.res.stats.inc(SmtpCounter.PIPELINE_OVERFLOW);
            if (SessionReports.reportable(s, Anomaly.PIPELINE_OVERFLOW)) {
                SessionReports.anomaly(s, Anomaly.PIPELINE_OVERFLOW, "more than " + s.res.settings.maxPendingCommands() + " commands awaiting replies", ts);
            }
            ReplyEffects.complete(s, oldest, 0, ts);
        }
        s.pending.add(c);
    }

    /** Every waiting command is given up on: applied with reply code 0. */
    static void flush(SmtpSession s, long ts) {
        PendingCommand c;
        while ((c = s.pollPending()) != null) ReplyEffects.complete(s, c, 0, ts);
        if (s.pending != null) s.pending.settled();
    }
}
