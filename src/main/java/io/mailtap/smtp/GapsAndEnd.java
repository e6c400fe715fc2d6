package io.mailtap.smtp;

import io.mailtap.flow.ConnState;
import io.mailtap.flow.EndReason;
import io.mailtap.smtp.SmtpEvent.AuthResult;

/**
 * What a session does when bytes are missing or the connection is over: a hole in one direction
 * (the partial line dropped, DATA text kept as text until its "." line, a BDAT chunk absorbing
 * the hole, reply framing resynchronised and the pairing after it marked a guess), and the end
 * (unanswered commands reported, the open transaction or the connection's only record emitted,
 * then the ConnectionEnd).
 *
 * <p>Stateless: it works on the session's own state, so it costs an idle session nothing.
 */
final class GapsAndEnd {
    private GapsAndEnd() {}

    /**
     * {@code bytes} of one direction will never be delivered. The partial line is dropped and the
     * next line start is awaited; DATA text stays DATA text until a "." line; a BDAT chunk absorbs
     * the hole. After a hole in the server's replies the framing resynchronises on the next reply
     * line; a hole that may have held replies makes the pairing that follows a guess, flagged in
     * the record (see serverHole).
     */
    static void hole(SmtpSession s, boolean fromClient) {
        s.res.stats.inc(SmtpCounter.GAPS);
        s.gaps = true;
        if (s.txOpen()) s.tx.gaps = true;
        if (s.pending != null) s.pending.markGap();
        if (fromClient && s.auth != null) s.auth.hole(); // which SASL line comes next is no longer known
    }

    /** The hole in plain bytes, after {@link #hole}: what it does to the direction's mode. */
    static void plainGap(SmtpSession s, boolean fromClient, long bytes, long ts) {
        if (!fromClient) {
            serverHole(s, bytes, ts);
            return;
        }
        switch (s.client) {
            case LINES:
                // The partial line may be a SASL response: no secret goes back to the spares.
                if (s.auth != null && s.auth.active && s.clientLines != null) s.clientLines.wipe();
                s.clientLines().discardRestOfLine();
                break;
            case BODY:
                s.body.midLine();
                s.bodyGap = true;
                break;
            default:
                // The hole's octets are in the chunk: TCP numbered them, the server received them.
                s.chunkOctets(Math.min(bytes, s.chunkRemaining));
                s.chunkRemaining -= bytes;
                if (s.chunkRemaining <= 0) {
                    s.endChunk();
                    if (s.chunkRemaining < 0) {
                        s.clientLines().discardRestOfLine();
                        SessionReports.anomaly(s, Anomaly.BDAT_CHUNK_GAP, "a gap ran past the end of a BDAT chunk", ts);
                    }
                    s.chunkRemaining = 0;
                }
                break;
        }
    }

    /**
     * A hole in the server's replies. The line it cut is dropped, unless its head already names a
     * reply code (then that reply is taken as seen); the first line after the hole is kept if it
     * is a reply line (resynchronisation, {@link #resyncDrops}). A reply line takes at least
     * {@link ReplyPairing#MIN_REPLY_LINE} bytes, so a shorter hole at a line start lost no reply
     * and pairing goes on unchanged (pcaps2 snort3_demo/smtp-lorem.pcap: two 1-byte holes).
     * Otherwise replies may be in the hole: the waiting commands keep their places and are paired
     * by position and code class, marked uncertain ({@link ReplyPairing#answeredIndex}). Either way the
     * command whose reply comes next is marked with the gap.
     */
    private static void serverHole(SmtpSession s, long bytes, long ts) {
        LineFramer f = s.serverLines;
        boolean cut = f != null && !f.idle();
        boolean headSeen = cut && f.hasPartial() && !f.truncated() && ReplyPairing.isReplyLineHead(f.buffer(), f.length());
        if (headSeen) s.serverLine(ts); // the reply (or its continuation line) with the text up to the hole
        if (f != null) f.reset();
        s.serverResync = headSeen ? SmtpSession.RESYNC_TAIL : SmtpSession.RESYNC_LOST;
        s.replyAfterHole = true;
        if (bytes < ReplyPairing.MIN_REPLY_LINE && (!cut || headSeen)) return;
        s.greetingSeen = true; // whatever the first reply was, it may be in the hole
        if (s.pending != null) s.pending.holeInReplies();
    }

    /**
     * The first server line after a hole is kept only if it is a reply line; otherwise it is the
     * tail of a line cut by the hole and is dropped. If the head of that line was not seen, the
     * dropped line may have ended a reply: from here pairing is a guess.
     */
    static boolean resyncDrops(SmtpSession s, LineFramer f) {
        byte how = s.serverResync;
        s.serverResync = SmtpSession.RESYNC_NONE;
        if (ReplyPairing.isReplyLine(f.buffer(), f.length())) return false;
        if (how == SmtpSession.RESYNC_LOST && s.pending != null) s.pending.uncertain();
        return true;
    }

    /**
     * The connection is ending: commands without a reply are reported with reply code 0, and the
     * open transaction (or, if none was ever logged, the connection's record) is emitted.
     */
    static void ending(SmtpSession s, long ts, boolean serverPacketsSeen) {
        if (s.clientLines != null && s.clientLines.hasPartial() && s.clientLines.truncated()) SessionReports.lineTooLong(s, true, ts);
        // The whole connection without a server byte, though the client spoke SMTP and went past
        // a command it must wait for (or no server packet at all was captured).
        if (s.oneWay == null && !s.serverHeard() && s.smtpSeen && (s.awaitedPassed > 0 || !serverPacketsSeen)) OneWayCapture.clientOnly(s, ts);
        ReplyDispatch.flush(s, ts);
        if (s.auth != null && (s.auth.active || s.auth.awaitingProof)) AuthExchange.finish(s, AuthResult.UNKNOWN, 0, false, ts);
        if (s.client == SmtpSession.Mode.BODY) {
            // The connection ended inside message text: the message never completed.
            s.res.stats.add(SmtpCounter.MESSAGE_BYTES, s.body.bytes());
            if (s.txOpen()) s.tx.messageBytes += s.body.bytes();
        }
        Transactions.end(s, MessageStatus.ABORTED, ts);
        if (s.transactions == 0) {
            // One record per connection that never reached MAIL FROM, so the log lists every client.
            s.tx().connectionOnly(s.conn().startMicros(), s.helo, s.auth, s.lastReply, s.gaps, s.pairedUncertain);
            Transactions.emit(s, 1, MessageStatus.NONE, ts);
        }
    }

    /** The connection is gone: its ConnectionEnd. A failing listener is counted, and the session still gives its objects back. */
    static void closed(SmtpSession s, ConnState finalState, EndReason reason, long ts) {
        try {
            s.res.out.onEvent(new SmtpEvent.ConnectionEnd(s.conn(), ts, finalState, reason, s.smtpSeen, s.tls, s.gaps, s.oneWay));
        } catch (RuntimeException e) {
            s.res.stats.inc(SmtpCounter.INTERNAL_ERRORS);
        }
    }
}
